// litecoop-mlir kernel: 3x3 depthwise conv, NHWC input, HWC filter (a MobileNet-style layer).
// entry: @main(input: 1x114x114x128xf32, filter: 3x3x128xf32) -> 1x112x112x128xf32
func.func @main(%in: tensor<1x114x114x128xf32>, %f: tensor<3x3x128xf32>) -> tensor<1x112x112x128xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x112x112x128xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<1x112x112x128xf32>) -> tensor<1x112x112x128xf32>
  %r = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%in, %f : tensor<1x114x114x128xf32>, tensor<3x3x128xf32>)
      outs(%c : tensor<1x112x112x128xf32>) -> tensor<1x112x112x128xf32>
  return %r : tensor<1x112x112x128xf32>
}
