// litecoop-mlir kernel: an attention-like block written as matmul, softmax, matmul.
// S = Q * K^T (K given pre-transposed as 64x512), P = softmax(S), O = P * V.
// entry: @main(Q: 512x64xf32, Kt: 64x512xf32, V: 512x64xf32) -> 512x64xf32
func.func @main(%q: tensor<512x64xf32>, %kt: tensor<64x512xf32>, %v: tensor<512x64xf32>) -> tensor<512x64xf32> {
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty() : tensor<512x512xf32>
  %cs = linalg.fill ins(%zero : f32) outs(%es : tensor<512x512xf32>) -> tensor<512x512xf32>
  %s = linalg.matmul ins(%q, %kt : tensor<512x64xf32>, tensor<64x512xf32>)
                     outs(%cs : tensor<512x512xf32>) -> tensor<512x512xf32>
  %p = linalg.softmax dimension(1) ins(%s : tensor<512x512xf32>) outs(%es : tensor<512x512xf32>) -> tensor<512x512xf32>
  %eo = tensor.empty() : tensor<512x64xf32>
  %co = linalg.fill ins(%zero : f32) outs(%eo : tensor<512x64xf32>) -> tensor<512x64xf32>
  %o = linalg.matmul ins(%p, %v : tensor<512x512xf32>, tensor<512x64xf32>)
                     outs(%co : tensor<512x64xf32>) -> tensor<512x64xf32>
  return %o : tensor<512x64xf32>
}
