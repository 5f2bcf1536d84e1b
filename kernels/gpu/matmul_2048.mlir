// litecoop-mlir kernel: f32 matmul sized for a GPU, C = A * B.
// targets: cuda, vulkan-spirv (GPU-sized: on llvm-cpu one run takes seconds)
// entry: @main(A: 2048x2048xf32, B: 2048x2048xf32) -> 2048x2048xf32
func.func @main(%a: tensor<2048x2048xf32>, %b: tensor<2048x2048xf32>) -> tensor<2048x2048xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2048x2048xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<2048x2048xf32>) -> tensor<2048x2048xf32>
  %r = linalg.matmul ins(%a, %b : tensor<2048x2048xf32>, tensor<2048x2048xf32>)
                     outs(%c : tensor<2048x2048xf32>) -> tensor<2048x2048xf32>
  return %r : tensor<2048x2048xf32>
}
