// litecoop-mlir kernel: one transformer encoder layer (pre-norm), written in linalg.
// seq 128, model width 256, 4 heads of 64, feed-forward 1024, ReLU.
//   h = x + Wo * attention(LN(x) Wq, LN(x) Wk, LN(x) Wv);  y = h + W2 relu(W1 LN(h) + b1) + b2
// entry: @main(x: 128x256, Wq, Wk, Wv, Wo: 256x256, W1: 256x1024, b1: 1024, W2: 1024x256, b2: 256) -> 128x256 (f32)
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
func.func @main(%x: tensor<128x256xf32>, %wq: tensor<256x256xf32>, %wk: tensor<256x256xf32>, %wv: tensor<256x256xf32>,
                %wo: tensor<256x256xf32>, %w1: tensor<256x1024xf32>, %b1: tensor<1024xf32>, %w2: tensor<1024x256xf32>, %b2: tensor<256xf32>) -> tensor<128x256xf32> {
  %zero = arith.constant 0.0 : f32
  %inv_d = arith.constant 0.00390625 : f32
  %eps = arith.constant 1.0e-5 : f32
  %scale = arith.constant 0.125 : f32
  %e_row = tensor.empty() : tensor<128xf32>
  %z_row = linalg.fill ins(%zero : f32) outs(%e_row : tensor<128xf32>) -> tensor<128xf32>
  %e_x = tensor.empty() : tensor<128x256xf32>
  %z_x = linalg.fill ins(%zero : f32) outs(%e_x : tensor<128x256xf32>) -> tensor<128x256xf32>

  // LayerNorm 1
  %sum1 = linalg.generic {indexing_maps = [#id2, #row], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<128x256xf32>) outs(%z_row : tensor<128xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.addf %a, %acc : f32
    linalg.yield %s : f32
  } -> tensor<128xf32>
  %sq1 = linalg.generic {indexing_maps = [#id2, #row, #row], iterator_types = ["parallel", "reduction"]}
      ins(%x, %sum1 : tensor<128x256xf32>, tensor<128xf32>) outs(%z_row : tensor<128xf32>) {
  ^bb0(%a: f32, %s: f32, %acc: f32):
    %m = arith.mulf %s, %inv_d : f32
    %c = arith.subf %a, %m : f32
    %c2 = arith.mulf %c, %c : f32
    %r = arith.addf %c2, %acc : f32
    linalg.yield %r : f32
  } -> tensor<128xf32>
  %n1 = linalg.generic {indexing_maps = [#id2, #row, #row, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%x, %sum1, %sq1 : tensor<128x256xf32>, tensor<128xf32>, tensor<128xf32>) outs(%e_x : tensor<128x256xf32>) {
  ^bb0(%a: f32, %s: f32, %v: f32, %o: f32):
    %m = arith.mulf %s, %inv_d : f32
    %var = arith.mulf %v, %inv_d : f32
    %ve = arith.addf %var, %eps : f32
    %rs = math.rsqrt %ve : f32
    %c = arith.subf %a, %m : f32
    %r = arith.mulf %c, %rs : f32
    linalg.yield %r : f32
  } -> tensor<128x256xf32>

  // Projections
  %q = linalg.matmul ins(%n1, %wq : tensor<128x256xf32>, tensor<256x256xf32>) outs(%z_x : tensor<128x256xf32>) -> tensor<128x256xf32>
  %k = linalg.matmul ins(%n1, %wk : tensor<128x256xf32>, tensor<256x256xf32>) outs(%z_x : tensor<128x256xf32>) -> tensor<128x256xf32>
  %v = linalg.matmul ins(%n1, %wv : tensor<128x256xf32>, tensor<256x256xf32>) outs(%z_x : tensor<128x256xf32>) -> tensor<128x256xf32>

  // Heads: [128, 4, 64] -> [4, 128, 64]
  %q3 = tensor.expand_shape %q [[0], [1, 2]] output_shape [128, 4, 64] : tensor<128x256xf32> into tensor<128x4x64xf32>
  %k3 = tensor.expand_shape %k [[0], [1, 2]] output_shape [128, 4, 64] : tensor<128x256xf32> into tensor<128x4x64xf32>
  %v3 = tensor.expand_shape %v [[0], [1, 2]] output_shape [128, 4, 64] : tensor<128x256xf32> into tensor<128x4x64xf32>
  %e_h = tensor.empty() : tensor<4x128x64xf32>
  %qh = linalg.transpose ins(%q3 : tensor<128x4x64xf32>) outs(%e_h : tensor<4x128x64xf32>) permutation = [1, 0, 2]
  %vh = linalg.transpose ins(%v3 : tensor<128x4x64xf32>) outs(%e_h : tensor<4x128x64xf32>) permutation = [1, 0, 2]
  %e_kt = tensor.empty() : tensor<4x64x128xf32>
  %kt = linalg.transpose ins(%k3 : tensor<128x4x64xf32>) outs(%e_kt : tensor<4x64x128xf32>) permutation = [1, 2, 0]

  // Scores, softmax, weighted values
  %e_s = tensor.empty() : tensor<4x128x128xf32>
  %z_s = linalg.fill ins(%zero : f32) outs(%e_s : tensor<4x128x128xf32>) -> tensor<4x128x128xf32>
  %s = linalg.batch_matmul ins(%qh, %kt : tensor<4x128x64xf32>, tensor<4x64x128xf32>) outs(%z_s : tensor<4x128x128xf32>) -> tensor<4x128x128xf32>
  %ss = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%s : tensor<4x128x128xf32>) outs(%e_s : tensor<4x128x128xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.mulf %a, %scale : f32
    linalg.yield %r : f32
  } -> tensor<4x128x128xf32>
  %p = linalg.softmax dimension(2) ins(%ss : tensor<4x128x128xf32>) outs(%e_s : tensor<4x128x128xf32>) -> tensor<4x128x128xf32>
  %z_o = linalg.fill ins(%zero : f32) outs(%e_h : tensor<4x128x64xf32>) -> tensor<4x128x64xf32>
  %oh = linalg.batch_matmul ins(%p, %vh : tensor<4x128x128xf32>, tensor<4x128x64xf32>) outs(%z_o : tensor<4x128x64xf32>) -> tensor<4x128x64xf32>
  %e_o3 = tensor.empty() : tensor<128x4x64xf32>
  %o3 = linalg.transpose ins(%oh : tensor<4x128x64xf32>) outs(%e_o3 : tensor<128x4x64xf32>) permutation = [1, 0, 2]
  %o = tensor.collapse_shape %o3 [[0], [1, 2]] : tensor<128x4x64xf32> into tensor<128x256xf32>

  // Output projection and residual
  %proj = linalg.matmul ins(%o, %wo : tensor<128x256xf32>, tensor<256x256xf32>) outs(%z_x : tensor<128x256xf32>) -> tensor<128x256xf32>
  %h = linalg.generic {indexing_maps = [#id2, #id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%proj, %x : tensor<128x256xf32>, tensor<128x256xf32>) outs(%e_x : tensor<128x256xf32>) {
  ^bb0(%a: f32, %b: f32, %o2: f32):
    %r = arith.addf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<128x256xf32>

  // LayerNorm 2
  %sum2 = linalg.generic {indexing_maps = [#id2, #row], iterator_types = ["parallel", "reduction"]}
      ins(%h : tensor<128x256xf32>) outs(%z_row : tensor<128xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %r = arith.addf %a, %acc : f32
    linalg.yield %r : f32
  } -> tensor<128xf32>
  %sq2 = linalg.generic {indexing_maps = [#id2, #row, #row], iterator_types = ["parallel", "reduction"]}
      ins(%h, %sum2 : tensor<128x256xf32>, tensor<128xf32>) outs(%z_row : tensor<128xf32>) {
  ^bb0(%a: f32, %sm: f32, %acc: f32):
    %m = arith.mulf %sm, %inv_d : f32
    %c = arith.subf %a, %m : f32
    %c2 = arith.mulf %c, %c : f32
    %r = arith.addf %c2, %acc : f32
    linalg.yield %r : f32
  } -> tensor<128xf32>
  %n2 = linalg.generic {indexing_maps = [#id2, #row, #row, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%h, %sum2, %sq2 : tensor<128x256xf32>, tensor<128xf32>, tensor<128xf32>) outs(%e_x : tensor<128x256xf32>) {
  ^bb0(%a: f32, %sm: f32, %vv: f32, %o2: f32):
    %m = arith.mulf %sm, %inv_d : f32
    %var = arith.mulf %vv, %inv_d : f32
    %ve = arith.addf %var, %eps : f32
    %rs = math.rsqrt %ve : f32
    %c = arith.subf %a, %m : f32
    %r = arith.mulf %c, %rs : f32
    linalg.yield %r : f32
  } -> tensor<128x256xf32>

  // Feed-forward with residual
  %e_f = tensor.empty() : tensor<128x1024xf32>
  %z_f = linalg.fill ins(%zero : f32) outs(%e_f : tensor<128x1024xf32>) -> tensor<128x1024xf32>
  %f1 = linalg.matmul ins(%n2, %w1 : tensor<128x256xf32>, tensor<256x1024xf32>) outs(%z_f : tensor<128x1024xf32>) -> tensor<128x1024xf32>
  %a1 = linalg.generic {indexing_maps = [#id2, #col, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%f1, %b1 : tensor<128x1024xf32>, tensor<1024xf32>) outs(%e_f : tensor<128x1024xf32>) {
  ^bb0(%a: f32, %bb: f32, %o2: f32):
    %s1 = arith.addf %a, %bb : f32
    %r = arith.maximumf %s1, %zero : f32
    linalg.yield %r : f32
  } -> tensor<128x1024xf32>
  %f2 = linalg.matmul ins(%a1, %w2 : tensor<128x1024xf32>, tensor<1024x256xf32>) outs(%z_x : tensor<128x256xf32>) -> tensor<128x256xf32>
  %y = linalg.generic {indexing_maps = [#id2, #col, #id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%f2, %b2, %h : tensor<128x256xf32>, tensor<256xf32>, tensor<128x256xf32>) outs(%e_x : tensor<128x256xf32>) {
  ^bb0(%a: f32, %bb: f32, %b: f32, %o2: f32):
    %s1 = arith.addf %a, %bb : f32
    %r = arith.addf %s1, %b : f32
    linalg.yield %r : f32
  } -> tensor<128x256xf32>
  return %y : tensor<128x256xf32>
}
