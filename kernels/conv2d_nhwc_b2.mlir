// litecoop-mlir kernel: 3x3 conv, NHWC input, HWCF filter, batch 2.
// entry: @main(input: 2x30x30x64xf32, filter: 3x3x64x64xf32) -> 2x28x28x64xf32
func.func @main(%in: tensor<2x30x30x64xf32>, %f: tensor<3x3x64x64xf32>) -> tensor<2x28x28x64xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x28x28x64xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<2x28x28x64xf32>) -> tensor<2x28x28x64xf32>
  %r = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%in, %f : tensor<2x30x30x64xf32>, tensor<3x3x64x64xf32>)
      outs(%c : tensor<2x28x28x64xf32>) -> tensor<2x28x28x64xf32>
  return %r : tensor<2x28x28x64xf32>
}
