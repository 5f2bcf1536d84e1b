// litecoop-mlir kernel: f32 matmul with prime (unaligned) sizes, C = A * B; IREE O3 leaves it far
// from peak (scalar partial tiles), data tiling (+ the mmt4d ukernel) packs it into aligned tiles, and
// a codegen script pads its partial tiles (script knob pad = on).
// entry: @main(A: 127x509xf32, B: 509x251xf32) -> 127x251xf32
func.func @main(%a: tensor<127x509xf32>, %b: tensor<509x251xf32>) -> tensor<127x251xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<127x251xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<127x251xf32>) -> tensor<127x251xf32>
  %r = linalg.matmul ins(%a, %b : tensor<127x509xf32>, tensor<509x251xf32>)
                     outs(%c : tensor<127x251xf32>) -> tensor<127x251xf32>
  return %r : tensor<127x251xf32>
}
