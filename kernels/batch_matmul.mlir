// litecoop-mlir kernel: batched f32 matmul.
// entry: @main(A: 8x256x256xf32, B: 8x256x256xf32) -> 8x256x256xf32
func.func @main(%a: tensor<8x256x256xf32>, %b: tensor<8x256x256xf32>) -> tensor<8x256x256xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x256x256xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<8x256x256xf32>) -> tensor<8x256x256xf32>
  %r = linalg.batch_matmul ins(%a, %b : tensor<8x256x256xf32>, tensor<8x256x256xf32>)
                           outs(%c : tensor<8x256x256xf32>) -> tensor<8x256x256xf32>
  return %r : tensor<8x256x256xf32>
}
