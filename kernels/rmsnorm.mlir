// litecoop-mlir kernel: RMS normalization (a row reduction with a broadcast consumer, as in LLM blocks):
// y = x * rsqrt(mean(x^2) + eps) * gamma. IREE fuses it into one dispatch whose reduction runs as a
// chain of scalar FMAs (read from its assembly, O3); a codegen script keeps lane-wise partial sums instead.
// entry: @main(x: 512x2048xf32, gamma: 2048xf32) -> 512x2048xf32
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>
func.func @main(%x: tensor<512x2048xf32>, %gamma: tensor<2048xf32>) -> tensor<512x2048xf32> {
  %zero = arith.constant 0.0 : f32
  %n = arith.constant 2048.0 : f32
  %eps = arith.constant 1.0e-6 : f32
  %er = tensor.empty() : tensor<512xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%er : tensor<512xf32>) -> tensor<512xf32>
  %sqs = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<512x2048xf32>) outs(%acc : tensor<512xf32>) {
  ^bb0(%v: f32, %a: f32):
    %v2 = arith.mulf %v, %v : f32
    %s = arith.addf %v2, %a : f32
    linalg.yield %s : f32
  } -> tensor<512xf32>
  %e = tensor.empty() : tensor<512x2048xf32>
  %y = linalg.generic {indexing_maps = [#id, #row, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %sqs, %gamma : tensor<512x2048xf32>, tensor<512xf32>, tensor<2048xf32>) outs(%e : tensor<512x2048xf32>) {
  ^bb0(%v: f32, %q: f32, %g: f32, %o: f32):
    %ms = arith.divf %q, %n : f32
    %me = arith.addf %ms, %eps : f32
    %rs = math.rsqrt %me : f32
    %nv = arith.mulf %v, %rs : f32
    %r = arith.mulf %nv, %g : f32
    linalg.yield %r : f32
  } -> tensor<512x2048xf32>
  return %y : tensor<512x2048xf32>
}
