// litecoop-mlir kernel: f16 matmul accumulating in f32, sized for a GPU (IREE configures it with MMA intrinsics on cuda).
// targets: cuda, vulkan-spirv with an MMA-capable --arch (rdna3, ampere); not llvm-cpu (f16 on a CPU takes seconds per run)
// entry: @main(A: 4096x4096xf16, B: 4096x4096xf16) -> 4096x4096xf32
func.func @main(%a: tensor<4096x4096xf16>, %b: tensor<4096x4096xf16>) -> tensor<4096x4096xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4096x4096xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<4096x4096xf32>) -> tensor<4096x4096xf32>
  %r = linalg.matmul ins(%a, %b : tensor<4096x4096xf16>, tensor<4096x4096xf16>)
                     outs(%c : tensor<4096x4096xf32>) -> tensor<4096x4096xf32>
  return %r : tensor<4096x4096xf32>
}
