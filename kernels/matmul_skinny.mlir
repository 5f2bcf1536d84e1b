// litecoop-mlir kernel: skinny f32 matmul (a decode-style GEMM with 16 rows).
// entry: @main(A: 16x2048xf32, B: 2048x2048xf32) -> 16x2048xf32
func.func @main(%a: tensor<16x2048xf32>, %b: tensor<2048x2048xf32>) -> tensor<16x2048xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<16x2048xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<16x2048xf32>) -> tensor<16x2048xf32>
  %r = linalg.matmul ins(%a, %b : tensor<16x2048xf32>, tensor<2048x2048xf32>)
                     outs(%c : tensor<16x2048xf32>) -> tensor<16x2048xf32>
  return %r : tensor<16x2048xf32>
}
