// litecoop-mlir kernel: an f16 attention-like block for a GPU: S = Q * K^T (f32 accumulation),
// P = softmax(S) in f32, rounded to f16, O = P * V (f32 accumulation). K is given pre-transposed.
// targets: cuda, vulkan-spirv (GPU-sized; f16 on llvm-cpu is slow)
// entry: @main(Q: 2048x128xf16, Kt: 128x2048xf16, V: 2048x128xf16) -> 2048x128xf32
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @main(%q: tensor<2048x128xf16>, %kt: tensor<128x2048xf16>, %v: tensor<2048x128xf16>) -> tensor<2048x128xf32> {
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty() : tensor<2048x2048xf32>
  %cs = linalg.fill ins(%zero : f32) outs(%es : tensor<2048x2048xf32>) -> tensor<2048x2048xf32>
  %s = linalg.matmul ins(%q, %kt : tensor<2048x128xf16>, tensor<128x2048xf16>)
                     outs(%cs : tensor<2048x2048xf32>) -> tensor<2048x2048xf32>
  %p = linalg.softmax dimension(1) ins(%s : tensor<2048x2048xf32>) outs(%es : tensor<2048x2048xf32>) -> tensor<2048x2048xf32>
  %eh = tensor.empty() : tensor<2048x2048xf16>
  %ph = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%p : tensor<2048x2048xf32>) outs(%eh : tensor<2048x2048xf16>) {
  ^bb0(%x: f32, %o: f16):
    %t = arith.truncf %x : f32 to f16
    linalg.yield %t : f16
  } -> tensor<2048x2048xf16>
  %eo = tensor.empty() : tensor<2048x128xf32>
  %co = linalg.fill ins(%zero : f32) outs(%eo : tensor<2048x128xf32>) -> tensor<2048x128xf32>
  %o = linalg.matmul ins(%ph, %v : tensor<2048x2048xf16>, tensor<2048x128xf16>)
                     outs(%co : tensor<2048x128xf32>) -> tensor<2048x128xf32>
  return %o : tensor<2048x128xf32>
}
