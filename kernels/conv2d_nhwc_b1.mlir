// litecoop-mlir kernel: 3x3 conv, NHWC input, HWCF filter, batch 1 (a ResNet-style layer).
// entry: @main(input: 1x58x58x64xf32, filter: 3x3x64x64xf32) -> 1x56x56x64xf32
func.func @main(%in: tensor<1x58x58x64xf32>, %f: tensor<3x3x64x64xf32>) -> tensor<1x56x56x64xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x56x56x64xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<1x56x56x64xf32>) -> tensor<1x56x56x64xf32>
  %r = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%in, %f : tensor<1x58x58x64xf32>, tensor<3x3x64x64xf32>)
      outs(%c : tensor<1x56x56x64xf32>) -> tensor<1x56x56x64xf32>
  return %r : tensor<1x56x56x64xf32>
}
