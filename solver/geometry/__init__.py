"""Geometry: stacks to graded, tagged, distributed meshes."""
