// litecoop-mlir kernel: 3x3 stride-2 conv, NCHW input, FCHW filter, batch 1 (a downsampling layer).
// entry: @main(input: 1x64x57x57xf32, filter: 96x64x3x3xf32) -> 1x96x28x28xf32
func.func @main(%in: tensor<1x64x57x57xf32>, %f: tensor<96x64x3x3xf32>) -> tensor<1x96x28x28xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x96x28x28xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<1x96x28x28xf32>) -> tensor<1x96x28x28xf32>
  %r = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
      ins(%in, %f : tensor<1x64x57x57xf32>, tensor<96x64x3x3xf32>)
      outs(%c : tensor<1x96x28x28xf32>) -> tensor<1x96x28x28xf32>
  return %r : tensor<1x96x28x28xf32>
}
