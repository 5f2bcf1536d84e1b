// litecoop-mlir kernel: a data-tiled f32 matmul as linalg.mmt4d (what --iree-opt-data-tiling forms from a
// 128x512 * 512x256 matmul): LHS packed in 8x4 tiles, RHS in 16x4 tiles. Its inner tiles are fixed by the
// layout, so only the outer and reduction tiles are searched, and many of their variants build the same
// binary (the duplicate-binary check measures each binary once).
// entry: @main(LHS: 16x128x8x4xf32, RHS: 16x128x16x4xf32) -> 16x16x8x16xf32
func.func @main(%lhs: tensor<16x128x8x4xf32>, %rhs: tensor<16x128x16x4xf32>) -> tensor<16x16x8x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<16x16x8x16xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<16x16x8x16xf32>) -> tensor<16x16x8x16xf32>
  %r = linalg.mmt4d ins(%lhs, %rhs : tensor<16x128x8x4xf32>, tensor<16x128x16x4xf32>)
                    outs(%c : tensor<16x16x8x16xf32>) -> tensor<16x16x8x16xf32>
  return %r : tensor<16x16x8x16xf32>
}
