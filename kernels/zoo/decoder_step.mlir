// litecoop-mlir model zoo: decoder_step, exported from PyTorch 2.13.0+cpu by tools/export_zoo.py
// (iree-turbine aot.export, then IREE's torch input passes to linalg on tensors);
// weights are one value per tensor (splats): regenerate with that script.
#map = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#map1 = affine_map<(d0, d1, d2) -> (d0, d1, 0)>
#map2 = affine_map<(d0, d1, d2) -> (d0, d1)>
#map3 = affine_map<(d0, d1, d2) -> (d2)>
#map4 = affine_map<(d0, d1, d2) -> (d1, d2)>
#map5 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#map6 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
#map7 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, 0)>
module @module {
  util.global private @__auto.constant_256_256_torch.float32 = dense<3.906250e-03> : tensor<256x256xf32>
  util.global private @__auto.constant_256_256_torch.float32$1 = dense<-3.906250e-03> : tensor<256x256xf32>
  util.global private @__auto.constant_256_256_torch.float32$2 = dense<3.906250e-03> : tensor<256x256xf32>
  util.global private @__auto.constant_256_256_torch.float32$3 = dense<-3.906250e-03> : tensor<256x256xf32>
  util.global private @__auto.constant_1024_256_torch.float32 = dense<3.906250e-03> : tensor<1024x256xf32>
  util.global private @__auto.constant_256_1024_torch.float32 = dense<9.765625E-4> : tensor<256x1024xf32>
  func.func @main(%arg0: tensor<1x1x256xf32>, %arg1: tensor<1x4x256x64xf32>, %arg2: tensor<1x4x256x64xf32>) -> tensor<1x1x256xf32> {
    %cst = arith.constant 0.000000e+00 : f32
    %c0_i64 = arith.constant 0 : i64
    %cst_0 = arith.constant 0xFF800000 : f32
    %cst_1 = arith.constant 1.41421354 : f32
    %cst_2 = arith.constant 1.000000e+00 : f32
    %cst_3 = arith.constant 5.000000e-01 : f32
    %cst_4 = arith.constant dense<-0.00999999977> : tensor<1024xf32>
    %cst_5 = arith.constant 1.000000e-05 : f64
    %cst_6 = arith.constant dense<-0.00999999977> : tensor<256xf32>
    %cst_7 = arith.constant dense<1.000000e+00> : tensor<256xf32>
    %cst_8 = arith.constant 2.560000e+02 : f32
    %cst_9 = arith.constant 8.000000e+00 : f32
    %0 = tensor.empty() : tensor<1x1x1xf32>
    %1 = linalg.fill ins(%cst : f32) outs(%0 : tensor<1x1x1xf32>) -> tensor<1x1x1xf32>
    %2 = linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "parallel", "reduction"]} ins(%arg0 : tensor<1x1x256xf32>) outs(%1 : tensor<1x1x1xf32>) {
    ^bb0(%in: f32, %out: f32):
      %77 = arith.addf %in, %out : f32
      linalg.yield %77 : f32
    } -> tensor<1x1x1xf32>
    %3 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%2 : tensor<1x1x1xf32>) outs(%0 : tensor<1x1x1xf32>) {
    ^bb0(%in: f32, %out: f32):
      %77 = arith.divf %in, %cst_8 : f32
      linalg.yield %77 : f32
    } -> tensor<1x1x1xf32>
    %4 = tensor.empty() : tensor<1x1x256xf32>
    %collapsed = tensor.collapse_shape %3 [[0], [1, 2]] : tensor<1x1x1xf32> into tensor<1x1xf32>
    %5 = linalg.generic {indexing_maps = [#map2, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%collapsed : tensor<1x1xf32>) outs(%4 : tensor<1x1x256xf32>) {
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    } -> tensor<1x1x256xf32>
    %6 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%arg0, %5 : tensor<1x1x256xf32>, tensor<1x1x256xf32>) outs(%4 : tensor<1x1x256xf32>) {
    ^bb0(%in: f32, %in_34: f32, %out: f32):
      %77 = arith.subf %in, %in_34 : f32
      linalg.yield %77 : f32
    } -> tensor<1x1x256xf32>
    %7 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%6, %6 : tensor<1x1x256xf32>, tensor<1x1x256xf32>) outs(%4 : tensor<1x1x256xf32>) {
    ^bb0(%in: f32, %in_34: f32, %out: f32):
      %77 = arith.mulf %in, %in_34 : f32
      linalg.yield %77 : f32
    } -> tensor<1x1x256xf32>
    %8 = linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "parallel", "reduction"]} ins(%7 : tensor<1x1x256xf32>) outs(%1 : tensor<1x1x1xf32>) {
    ^bb0(%in: f32, %out: f32):
      %77 = arith.addf %in, %out : f32
      linalg.yield %77 : f32
    } -> tensor<1x1x1xf32>
    %9 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%8 : tensor<1x1x1xf32>) outs(%0 : tensor<1x1x1xf32>) {
    ^bb0(%in: f32, %out: f32):
      %77 = arith.divf %in, %cst_8 : f32
      linalg.yield %77 : f32
    } -> tensor<1x1x1xf32>
    %10 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%9 : tensor<1x1x1xf32>) outs(%0 : tensor<1x1x1xf32>) {
    ^bb0(%in: f32, %out: f32):
      %77 = arith.truncf %cst_5 : f64 to f32
      %78 = arith.addf %in, %77 : f32
      linalg.yield %78 : f32
    } -> tensor<1x1x1xf32>
    %11 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%10 : tensor<1x1x1xf32>) outs(%0 : tensor<1x1x1xf32>) {
    ^bb0(%in: f32, %out: f32):
      %77 = math.rsqrt %in : f32
      linalg.yield %77 : f32
    } -> tensor<1x1x1xf32>
    %collapsed_10 = tensor.collapse_shape %11 [[0], [1, 2]] : tensor<1x1x1xf32> into tensor<1x1xf32>
    %12 = linalg.generic {indexing_maps = [#map2, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%collapsed_10 : tensor<1x1xf32>) outs(%4 : tensor<1x1x256xf32>) {
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    } -> tensor<1x1x256xf32>
    %13 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%6, %12 : tensor<1x1x256xf32>, tensor<1x1x256xf32>) outs(%4 : tensor<1x1x256xf32>) {
    ^bb0(%in: f32, %in_34: f32, %out: f32):
      %77 = arith.mulf %in, %in_34 : f32
      linalg.yield %77 : f32
    } -> tensor<1x1x256xf32>
    %14 = linalg.generic {indexing_maps = [#map, #map3, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%13, %cst_7 : tensor<1x1x256xf32>, tensor<256xf32>) outs(%4 : tensor<1x1x256xf32>) {
    ^bb0(%in: f32, %in_34: f32, %out: f32):
      %77 = arith.mulf %in, %in_34 : f32
      linalg.yield %77 : f32
    } -> tensor<1x1x256xf32>
    %15 = linalg.generic {indexing_maps = [#map, #map3, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%14, %cst_6 : tensor<1x1x256xf32>, tensor<256xf32>) outs(%4 : tensor<1x1x256xf32>) {
    ^bb0(%in: f32, %in_34: f32, %out: f32):
      %77 = arith.addf %in, %in_34 : f32
      linalg.yield %77 : f32
    } -> tensor<1x1x256xf32>
    %__auto.constant_256_256_torch.float32 = util.global.load @__auto.constant_256_256_torch.float32 : tensor<256x256xf32>
    %16 = tensor.empty() : tensor<256x256xf32>
    %transposed = linalg.transpose ins(%__auto.constant_256_256_torch.float32 : tensor<256x256xf32>) outs(%16 : tensor<256x256xf32>) permutation = [1, 0] 
    %17 = tensor.empty() : tensor<1x256x256xf32>
    %18 = linalg.generic {indexing_maps = [#map4, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%transposed : tensor<256x256xf32>) outs(%17 : tensor<1x256x256xf32>) {
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    } -> tensor<1x256x256xf32>
    %19 = linalg.fill ins(%cst : f32) outs(%4 : tensor<1x1x256xf32>) -> tensor<1x1x256xf32>
    %20 = linalg.batch_matmul ins(%15, %18 : tensor<1x1x256xf32>, tensor<1x256x256xf32>) outs(%19 : tensor<1x1x256xf32>) -> tensor<1x1x256xf32>
    %expanded = tensor.expand_shape %20 [[0], [1], [2, 3]] output_shape [1, 1, 4, 64] : tensor<1x1x256xf32> into tensor<1x1x4x64xf32>
    %21 = tensor.empty() : tensor<1x4x1x64xf32>
    %transposed_11 = linalg.transpose ins(%expanded : tensor<1x1x4x64xf32>) outs(%21 : tensor<1x4x1x64xf32>) permutation = [0, 2, 1, 3] 
    %__auto.constant_256_256_torch.float32$1 = util.global.load @__auto.constant_256_256_torch.float32$1 : tensor<256x256xf32>
    %transposed_12 = linalg.transpose ins(%__auto.constant_256_256_torch.float32$1 : tensor<256x256xf32>) outs(%16 : tensor<256x256xf32>) permutation = [1, 0] 
    %22 = linalg.generic {indexing_maps = [#map4, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%transposed_12 : tensor<256x256xf32>) outs(%17 : tensor<1x256x256xf32>) {
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    } -> tensor<1x256x256xf32>
    %23 = linalg.batch_matmul ins(%15, %22 : tensor<1x1x256xf32>, tensor<1x256x256xf32>) outs(%19 : tensor<1x1x256xf32>) -> tensor<1x1x256xf32>
    %expanded_13 = tensor.expand_shape %23 [[0], [1], [2, 3]] output_shape [1, 1, 4, 64] : tensor<1x1x256xf32> into tensor<1x1x4x64xf32>
    %transposed_14 = linalg.transpose ins(%expanded_13 : tensor<1x1x4x64xf32>) outs(%21 : tensor<1x4x1x64xf32>) permutation = [0, 2, 1, 3] 
    %concat = tensor.concat dim(2) %arg1, %transposed_14 : (tensor<1x4x256x64xf32>, tensor<1x4x1x64xf32>) -> tensor<1x4x257x64xf32>
    %__auto.constant_256_256_torch.float32$2 = util.global.load @__auto.constant_256_256_torch.float32$2 : tensor<256x256xf32>
    %transposed_15 = linalg.transpose ins(%__auto.constant_256_256_torch.float32$2 : tensor<256x256xf32>) outs(%16 : tensor<256x256xf32>) permutation = [1, 0] 
    %24 = linalg.generic {indexing_maps = [#map4, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%transposed_15 : tensor<256x256xf32>) outs(%17 : tensor<1x256x256xf32>) {
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    } -> tensor<1x256x256xf32>
    %25 = linalg.batch_matmul ins(%15, %24 : tensor<1x1x256xf32>, tensor<1x256x256xf32>) outs(%19 : tensor<1x1x256xf32>) -> tensor<1x1x256xf32>
    %expanded_16 = tensor.expand_shape %25 [[0], [1], [2, 3]] output_shape [1, 1, 4, 64] : tensor<1x1x256xf32> into tensor<1x1x4x64xf32>
    %transposed_17 = linalg.transpose ins(%expanded_16 : tensor<1x1x4x64xf32>) outs(%21 : tensor<1x4x1x64xf32>) permutation = [0, 2, 1, 3] 
    %concat_18 = tensor.concat dim(2) %arg2, %transposed_17 : (tensor<1x4x256x64xf32>, tensor<1x4x1x64xf32>) -> tensor<1x4x257x64xf32>
    %26 = tensor.empty() : tensor<1x4x64x257xf32>
    %transposed_19 = linalg.transpose ins(%concat : tensor<1x4x257x64xf32>) outs(%26 : tensor<1x4x64x257xf32>) permutation = [0, 1, 3, 2] 
    %collapsed_20 = tensor.collapse_shape %transposed_11 [[0, 1], [2], [3]] : tensor<1x4x1x64xf32> into tensor<4x1x64xf32>
    %collapsed_21 = tensor.collapse_shape %transposed_19 [[0, 1], [2], [3]] : tensor<1x4x64x257xf32> into tensor<4x64x257xf32>
    %27 = tensor.empty() : tensor<4x1x257xf32>
    %28 = linalg.fill ins(%cst : f32) outs(%27 : tensor<4x1x257xf32>) -> tensor<4x1x257xf32>
    %29 = linalg.batch_matmul ins(%collapsed_20, %collapsed_21 : tensor<4x1x64xf32>, tensor<4x64x257xf32>) outs(%28 : tensor<4x1x257xf32>) -> tensor<4x1x257xf32>
    %expanded_22 = tensor.expand_shape %29 [[0, 1], [2], [3]] output_shape [1, 4, 1, 257] : tensor<4x1x257xf32> into tensor<1x4x1x257xf32>
    %30 = tensor.empty() : tensor<1x4x1x257xf32>
    %31 = linalg.generic {indexing_maps = [#map5, #map5], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%expanded_22 : tensor<1x4x1x257xf32>) outs(%30 : tensor<1x4x1x257xf32>) {
    ^bb0(%in: f32, %out: f32):
      %77 = arith.divf %in, %cst_9 : f32
      linalg.yield %77 : f32
    } -> tensor<1x4x1x257xf32>
    %32 = tensor.empty() : tensor<1x4x1xi64>
    %33 = linalg.fill ins(%c0_i64 : i64) outs(%32 : tensor<1x4x1xi64>) -> tensor<1x4x1xi64>
    %34 = tensor.empty() : tensor<1x4x1xf32>
    %35 = linalg.fill ins(%cst_0 : f32) outs(%34 : tensor<1x4x1xf32>) -> tensor<1x4x1xf32>
    %36:2 = linalg.generic {indexing_maps = [#map5, #map6, #map6], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%31 : tensor<1x4x1x257xf32>) outs(%35, %33 : tensor<1x4x1xf32>, tensor<1x4x1xi64>) {
    ^bb0(%in: f32, %out: f32, %out_34: i64):
      %77 = linalg.index 3 : index
      %78 = arith.index_cast %77 : index to i64
      %79 = arith.maximumf %in, %out : f32
      %80 = arith.cmpf ogt, %in, %out : f32
      %81 = arith.select %80, %78, %out_34 : i64
      linalg.yield %79, %81 : f32, i64
    } -> (tensor<1x4x1xf32>, tensor<1x4x1xi64>)
    %expanded_23 = tensor.expand_shape %36#0 [[0], [1], [2, 3]] output_shape [1, 4, 1, 1] : tensor<1x4x1xf32> into tensor<1x4x1x1xf32>
    %37 = linalg.generic {indexing_maps = [#map5, #map7, #map5], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%31, %expanded_23 : tensor<1x4x1x257xf32>, tensor<1x4x1x1xf32>) outs(%30 : tensor<1x4x1x257xf32>) {
    ^bb0(%in: f32, %in_34: f32, %out: f32):
      %77 = arith.subf %in, %in_34 : f32
      linalg.yield %77 : f32
    } -> tensor<1x4x1x257xf32>
    %38 = linalg.generic {indexing_maps = [#map5, #map5], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%37 : tensor<1x4x1x257xf32>) outs(%30 : tensor<1x4x1x257xf32>) {
    ^bb0(%in: f32, %out: f32):
      %77 = math.exp %in : f32
      linalg.yield %77 : f32
    } -> tensor<1x4x1x257xf32>
    %39 = tensor.empty() : tensor<1x4x1x1xf32>
    %40 = linalg.fill ins(%cst : f32) outs(%39 : tensor<1x4x1x1xf32>) -> tensor<1x4x1x1xf32>
    %41 = linalg.generic {indexing_maps = [#map5, #map7], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%38 : tensor<1x4x1x257xf32>) outs(%40 : tensor<1x4x1x1xf32>) {
    ^bb0(%in: f32, %out: f32):
      %77 = arith.addf %in, %out : f32
      linalg.yield %77 : f32
    } -> tensor<1x4x1x1xf32>
    %42 = linalg.generic {indexing_maps = [#map5, #map7, #map5], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%38, %41 : tensor<1x4x1x257xf32>, tensor<1x4x1x1xf32>) outs(%30 : tensor<1x4x1x257xf32>) {
    ^bb0(%in: f32, %in_34: f32, %out: f32):
      %77 = arith.divf %in, %in_34 : f32
      linalg.yield %77 : f32
    } -> tensor<1x4x1x257xf32>
    %collapsed_24 = tensor.collapse_shape %42 [[0, 1], [2], [3]] : tensor<1x4x1x257xf32> into tensor<4x1x257xf32>
    %collapsed_25 = tensor.collapse_shape %concat_18 [[0, 1], [2], [3]] : tensor<1x4x257x64xf32> into tensor<4x257x64xf32>
    %43 = tensor.empty() : tensor<4x1x64xf32>
    %44 = linalg.fill ins(%cst : f32) outs(%43 : tensor<4x1x64xf32>) -> tensor<4x1x64xf32>
    %45 = linalg.batch_matmul ins(%collapsed_24, %collapsed_25 : tensor<4x1x257xf32>, tensor<4x257x64xf32>) outs(%44 : tensor<4x1x64xf32>) -> tensor<4x1x64xf32>
    %expanded_26 = tensor.expand_shape %45 [[0, 1], [2], [3]] output_shape [1, 4, 1, 64] : tensor<4x1x64xf32> into tensor<1x4x1x64xf32>
    %46 = tensor.empty() : tensor<1x1x4x64xf32>
    %transposed_27 = linalg.transpose ins(%expanded_26 : tensor<1x4x1x64xf32>) outs(%46 : tensor<1x1x4x64xf32>) permutation = [0, 2, 1, 3] 
    %collapsed_28 = tensor.collapse_shape %transposed_27 [[0], [1], [2, 3]] : tensor<1x1x4x64xf32> into tensor<1x1x256xf32>
    %__auto.constant_256_256_torch.float32$3 = util.global.load @__auto.constant_256_256_torch.float32$3 : tensor<256x256xf32>
    %transposed_29 = linalg.transpose ins(%__auto.constant_256_256_torch.float32$3 : tensor<256x256xf32>) outs(%16 : tensor<256x256xf32>) permutation = [1, 0] 
    %47 = linalg.generic {indexing_maps = [#map4, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%transposed_29 : tensor<256x256xf32>) outs(%17 : tensor<1x256x256xf32>) {
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    } -> tensor<1x256x256xf32>
    %48 = linalg.batch_matmul ins(%collapsed_28, %47 : tensor<1x1x256xf32>, tensor<1x256x256xf32>) outs(%19 : tensor<1x1x256xf32>) -> tensor<1x1x256xf32>
    %49 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%arg0, %48 : tensor<1x1x256xf32>, tensor<1x1x256xf32>) outs(%4 : tensor<1x1x256xf32>) {
    ^bb0(%in: f32, %in_34: f32, %out: f32):
      %77 = arith.addf %in, %in_34 : f32
      linalg.yield %77 : f32
    } -> tensor<1x1x256xf32>
    %50 = linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "parallel", "reduction"]} ins(%49 : tensor<1x1x256xf32>) outs(%1 : tensor<1x1x1xf32>) {
    ^bb0(%in: f32, %out: f32):
      %77 = arith.addf %in, %out : f32
      linalg.yield %77 : f32
    } -> tensor<1x1x1xf32>
    %51 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%50 : tensor<1x1x1xf32>) outs(%0 : tensor<1x1x1xf32>) {
    ^bb0(%in: f32, %out: f32):
      %77 = arith.divf %in, %cst_8 : f32
      linalg.yield %77 : f32
    } -> tensor<1x1x1xf32>
    %collapsed_30 = tensor.collapse_shape %51 [[0], [1, 2]] : tensor<1x1x1xf32> into tensor<1x1xf32>
    %52 = linalg.generic {indexing_maps = [#map2, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%collapsed_30 : tensor<1x1xf32>) outs(%4 : tensor<1x1x256xf32>) {
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    } -> tensor<1x1x256xf32>
    %53 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%49, %52 : tensor<1x1x256xf32>, tensor<1x1x256xf32>) outs(%4 : tensor<1x1x256xf32>) {
    ^bb0(%in: f32, %in_34: f32, %out: f32):
      %77 = arith.subf %in, %in_34 : f32
      linalg.yield %77 : f32
    } -> tensor<1x1x256xf32>
    %54 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%53, %53 : tensor<1x1x256xf32>, tensor<1x1x256xf32>) outs(%4 : tensor<1x1x256xf32>) {
    ^bb0(%in: f32, %in_34: f32, %out: f32):
      %77 = arith.mulf %in, %in_34 : f32
      linalg.yield %77 : f32
    } -> tensor<1x1x256xf32>
    %55 = linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "parallel", "reduction"]} ins(%54 : tensor<1x1x256xf32>) outs(%1 : tensor<1x1x1xf32>) {
    ^bb0(%in: f32, %out: f32):
      %77 = arith.addf %in, %out : f32
      linalg.yield %77 : f32
    } -> tensor<1x1x1xf32>
    %56 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%55 : tensor<1x1x1xf32>) outs(%0 : tensor<1x1x1xf32>) {
    ^bb0(%in: f32, %out: f32):
      %77 = arith.divf %in, %cst_8 : f32
      linalg.yield %77 : f32
    } -> tensor<1x1x1xf32>
    %57 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%56 : tensor<1x1x1xf32>) outs(%0 : tensor<1x1x1xf32>) {
    ^bb0(%in: f32, %out: f32):
      %77 = arith.truncf %cst_5 : f64 to f32
      %78 = arith.addf %in, %77 : f32
      linalg.yield %78 : f32
    } -> tensor<1x1x1xf32>
    %58 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%57 : tensor<1x1x1xf32>) outs(%0 : tensor<1x1x1xf32>) {
    ^bb0(%in: f32, %out: f32):
      %77 = math.rsqrt %in : f32
      linalg.yield %77 : f32
    } -> tensor<1x1x1xf32>
    %collapsed_31 = tensor.collapse_shape %58 [[0], [1, 2]] : tensor<1x1x1xf32> into tensor<1x1xf32>
    %59 = linalg.generic {indexing_maps = [#map2, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%collapsed_31 : tensor<1x1xf32>) outs(%4 : tensor<1x1x256xf32>) {
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    } -> tensor<1x1x256xf32>
    %60 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%53, %59 : tensor<1x1x256xf32>, tensor<1x1x256xf32>) outs(%4 : tensor<1x1x256xf32>) {
    ^bb0(%in: f32, %in_34: f32, %out: f32):
      %77 = arith.mulf %in, %in_34 : f32
      linalg.yield %77 : f32
    } -> tensor<1x1x256xf32>
    %61 = linalg.generic {indexing_maps = [#map, #map3, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%60, %cst_7 : tensor<1x1x256xf32>, tensor<256xf32>) outs(%4 : tensor<1x1x256xf32>) {
    ^bb0(%in: f32, %in_34: f32, %out: f32):
      %77 = arith.mulf %in, %in_34 : f32
      linalg.yield %77 : f32
    } -> tensor<1x1x256xf32>
    %62 = linalg.generic {indexing_maps = [#map, #map3, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%61, %cst_6 : tensor<1x1x256xf32>, tensor<256xf32>) outs(%4 : tensor<1x1x256xf32>) {
    ^bb0(%in: f32, %in_34: f32, %out: f32):
      %77 = arith.addf %in, %in_34 : f32
      linalg.yield %77 : f32
    } -> tensor<1x1x256xf32>
    %__auto.constant_1024_256_torch.float32 = util.global.load @__auto.constant_1024_256_torch.float32 : tensor<1024x256xf32>
    %63 = tensor.empty() : tensor<256x1024xf32>
    %transposed_32 = linalg.transpose ins(%__auto.constant_1024_256_torch.float32 : tensor<1024x256xf32>) outs(%63 : tensor<256x1024xf32>) permutation = [1, 0] 
    %64 = tensor.empty() : tensor<1x256x1024xf32>
    %65 = linalg.generic {indexing_maps = [#map4, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%transposed_32 : tensor<256x1024xf32>) outs(%64 : tensor<1x256x1024xf32>) {
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    } -> tensor<1x256x1024xf32>
    %66 = tensor.empty() : tensor<1x1x1024xf32>
    %67 = linalg.fill ins(%cst : f32) outs(%66 : tensor<1x1x1024xf32>) -> tensor<1x1x1024xf32>
    %68 = linalg.batch_matmul ins(%62, %65 : tensor<1x1x256xf32>, tensor<1x256x1024xf32>) outs(%67 : tensor<1x1x1024xf32>) -> tensor<1x1x1024xf32>
    %69 = linalg.generic {indexing_maps = [#map, #map3, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%68, %cst_4 : tensor<1x1x1024xf32>, tensor<1024xf32>) outs(%66 : tensor<1x1x1024xf32>) {
    ^bb0(%in: f32, %in_34: f32, %out: f32):
      %77 = arith.addf %in, %in_34 : f32
      linalg.yield %77 : f32
    } -> tensor<1x1x1024xf32>
    %70 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%69 : tensor<1x1x1024xf32>) outs(%66 : tensor<1x1x1024xf32>) {
    ^bb0(%in: f32, %out: f32):
      %77 = arith.divf %in, %cst_1 : f32
      %78 = math.erf %77 : f32
      %79 = arith.addf %78, %cst_2 : f32
      %80 = arith.mulf %79, %cst_3 : f32
      %81 = arith.mulf %in, %80 : f32
      linalg.yield %81 : f32
    } -> tensor<1x1x1024xf32>
    %__auto.constant_256_1024_torch.float32 = util.global.load @__auto.constant_256_1024_torch.float32 : tensor<256x1024xf32>
    %71 = tensor.empty() : tensor<1024x256xf32>
    %transposed_33 = linalg.transpose ins(%__auto.constant_256_1024_torch.float32 : tensor<256x1024xf32>) outs(%71 : tensor<1024x256xf32>) permutation = [1, 0] 
    %72 = tensor.empty() : tensor<1x1024x256xf32>
    %73 = linalg.generic {indexing_maps = [#map4, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%transposed_33 : tensor<1024x256xf32>) outs(%72 : tensor<1x1024x256xf32>) {
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    } -> tensor<1x1024x256xf32>
    %74 = linalg.batch_matmul ins(%70, %73 : tensor<1x1x1024xf32>, tensor<1x1024x256xf32>) outs(%19 : tensor<1x1x256xf32>) -> tensor<1x1x256xf32>
    %75 = linalg.generic {indexing_maps = [#map, #map3, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%74, %cst_6 : tensor<1x1x256xf32>, tensor<256xf32>) outs(%4 : tensor<1x1x256xf32>) {
    ^bb0(%in: f32, %in_34: f32, %out: f32):
      %77 = arith.addf %in, %in_34 : f32
      linalg.yield %77 : f32
    } -> tensor<1x1x256xf32>
    %76 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%49, %75 : tensor<1x1x256xf32>, tensor<1x1x256xf32>) outs(%4 : tensor<1x1x256xf32>) {
    ^bb0(%in: f32, %in_34: f32, %out: f32):
      %77 = arith.addf %in, %in_34 : f32
      linalg.yield %77 : f32
    } -> tensor<1x1x256xf32>
    return %76 : tensor<1x1x256xf32>
  }
}

