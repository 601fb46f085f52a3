// placeholder so the shader table is never empty
#version 430
layout(local_size_x = 1) in;
void main() {}
