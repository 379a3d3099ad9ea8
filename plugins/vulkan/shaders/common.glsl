// Shared by every llmhost compute shader: the push-constant block (mirrored by PushParams in
// src/op_dispatch.hpp) and the flattened workgroup id (grids fold past 65535 groups per axis).
layout(push_constant) uniform Params {
  uint groups;             // workgroups this dispatch really needs
  uint o0, o1, o2, o3, o4; // byte offsets of the tensors inside bindings 0..4
  uint n0, n1, n2, n3;     // op-specific sizes
  uint u0, u1, u2, u3;     // op-specific integers
  float f0, f1, f2, f3;    // op-specific floats
} p;

uint group_id() { return gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x; }
