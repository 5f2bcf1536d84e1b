// litecoop-mlir kernel: a 2-layer MLP, Y = relu(X * W1 + b1) * W2 + b2 (several dispatches).
// Its sizes are the feed-forward block of encoder_layer.mlir: its first layer is the same dispatch there.
// entry: @main(X: 128x256xf32, W1: 256x1024xf32, b1: 1024xf32, W2: 1024x256xf32, b2: 256xf32) -> 128x256xf32
#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
func.func @main(%x: tensor<128x256xf32>, %w1: tensor<256x1024xf32>, %b1: tensor<1024xf32>,
                %w2: tensor<1024x256xf32>, %b2: tensor<256xf32>) -> tensor<128x256xf32> {
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<128x1024xf32>
  %c1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<128x1024xf32>) -> tensor<128x1024xf32>
  %m1 = linalg.matmul ins(%x, %w1 : tensor<128x256xf32>, tensor<256x1024xf32>)
                      outs(%c1 : tensor<128x1024xf32>) -> tensor<128x1024xf32>
  %h = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%m1, %b1 : tensor<128x1024xf32>, tensor<1024xf32>) outs(%e1 : tensor<128x1024xf32>) {
  ^bb0(%v: f32, %b: f32, %o: f32):
    %s = arith.addf %v, %b : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<128x1024xf32>
  %e2 = tensor.empty() : tensor<128x256xf32>
  %c2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<128x256xf32>) -> tensor<128x256xf32>
  %m2 = linalg.matmul ins(%h, %w2 : tensor<128x1024xf32>, tensor<1024x256xf32>)
                      outs(%c2 : tensor<128x256xf32>) -> tensor<128x256xf32>
  %y = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%m2, %b2 : tensor<128x256xf32>, tensor<256xf32>) outs(%e2 : tensor<128x256xf32>) {
  ^bb0(%v: f32, %b: f32, %o: f32):
    %s = arith.addf %v, %b : f32
    linalg.yield %s : f32
  } -> tensor<128x256xf32>
  return %y : tensor<128x256xf32>
}
