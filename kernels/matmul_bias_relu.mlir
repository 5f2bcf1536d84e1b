// litecoop-mlir kernel: f32 matmul followed by a bias add and ReLU (one fused dispatch).
// entry: @main(X: 256x512xf32, W: 512x1024xf32, bias: 1024xf32) -> 256x1024xf32
#map_row = affine_map<(d0, d1) -> (d0, d1)>
#map_bias = affine_map<(d0, d1) -> (d1)>
func.func @main(%x: tensor<256x512xf32>, %w: tensor<512x1024xf32>, %bias: tensor<1024xf32>) -> tensor<256x1024xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<256x1024xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<256x1024xf32>) -> tensor<256x1024xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<256x512xf32>, tensor<512x1024xf32>)
                      outs(%c : tensor<256x1024xf32>) -> tensor<256x1024xf32>
  %r = linalg.generic {indexing_maps = [#map_row, #map_bias, #map_row],
                       iterator_types = ["parallel", "parallel"]}
      ins(%mm, %bias : tensor<256x1024xf32>, tensor<1024xf32>) outs(%e : tensor<256x1024xf32>) {
  ^bb0(%v: f32, %b: f32, %o: f32):
    %s = arith.addf %v, %b : f32
    %m = arith.maximumf %s, %zero : f32
    linalg.yield %m : f32
  } -> tensor<256x1024xf32>
  return %r : tensor<256x1024xf32>
}
