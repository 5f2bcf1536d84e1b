// litecoop-mlir model zoo: encoder, exported from PyTorch 2.13.0+cpu by tools/export_zoo.py
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
#map8 = affine_map<(d0, d1) -> (d0, d1)>
#map9 = affine_map<(d0, d1) -> (d1)>
module @module {
  util.global private @__auto.constant_384_128_torch.float32 = dense<7.812500e-03> : tensor<384x128xf32>
  util.global private @__auto.constant_128_128_torch.float32 = dense<7.812500e-03> : tensor<128x128xf32>
  util.global private @__auto.constant_512_128_torch.float32 = dense<7.812500e-03> : tensor<512x128xf32>
  util.global private @__auto.constant_128_512_torch.float32 = dense<0.001953125> : tensor<128x512xf32>
  util.global private @__auto.constant_384_128_torch.float32$1 = dense<7.812500e-03> : tensor<384x128xf32>
  util.global private @__auto.constant_128_128_torch.float32$1 = dense<7.812500e-03> : tensor<128x128xf32>
  util.global private @__auto.constant_512_128_torch.float32$1 = dense<7.812500e-03> : tensor<512x128xf32>
  util.global private @__auto.constant_128_512_torch.float32$1 = dense<0.001953125> : tensor<128x512xf32>
  func.func @main(%arg0: tensor<1x128x128xf32>) -> tensor<1x128x128xf32> {
    %c0_i64 = arith.constant 0 : i64
    %cst = arith.constant 0.000000e+00 : f32
    %cst_0 = arith.constant 0xFF800000 : f32
    %cst_1 = arith.constant 0.17677669529663687 : f64
    %cst_2 = arith.constant dense<-0.00999999977> : tensor<512xf32>
    %cst_3 = arith.constant dense<-0.00999999977> : tensor<384xf32>
    %cst_4 = arith.constant 1.000000e-05 : f64
    %cst_5 = arith.constant dense<-0.00999999977> : tensor<128xf32>
    %cst_6 = arith.constant dense<1.000000e+00> : tensor<128xf32>
    %cst_7 = arith.constant 1.280000e+02 : f32
    %0 = tensor.empty() : tensor<1x128x1xf32>
    %1 = linalg.fill ins(%cst : f32) outs(%0 : tensor<1x128x1xf32>) -> tensor<1x128x1xf32>
    %2 = linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "parallel", "reduction"]} ins(%arg0 : tensor<1x128x128xf32>) outs(%1 : tensor<1x128x1xf32>) {
    ^bb0(%in: f32, %out: f32):
      %126 = arith.addf %in, %out : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x1xf32>
    %3 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%2 : tensor<1x128x1xf32>) outs(%0 : tensor<1x128x1xf32>) {
    ^bb0(%in: f32, %out: f32):
      %126 = arith.divf %in, %cst_7 : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x1xf32>
    %4 = tensor.empty() : tensor<1x128x128xf32>
    %collapsed = tensor.collapse_shape %3 [[0], [1, 2]] : tensor<1x128x1xf32> into tensor<1x128xf32>
    %5 = linalg.generic {indexing_maps = [#map2, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%collapsed : tensor<1x128xf32>) outs(%4 : tensor<1x128x128xf32>) {
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    } -> tensor<1x128x128xf32>
    %6 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%arg0, %5 : tensor<1x128x128xf32>, tensor<1x128x128xf32>) outs(%4 : tensor<1x128x128xf32>) {
    ^bb0(%in: f32, %in_74: f32, %out: f32):
      %126 = arith.subf %in, %in_74 : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x128xf32>
    %7 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%6, %6 : tensor<1x128x128xf32>, tensor<1x128x128xf32>) outs(%4 : tensor<1x128x128xf32>) {
    ^bb0(%in: f32, %in_74: f32, %out: f32):
      %126 = arith.mulf %in, %in_74 : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x128xf32>
    %8 = linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "parallel", "reduction"]} ins(%7 : tensor<1x128x128xf32>) outs(%1 : tensor<1x128x1xf32>) {
    ^bb0(%in: f32, %out: f32):
      %126 = arith.addf %in, %out : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x1xf32>
    %9 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%8 : tensor<1x128x1xf32>) outs(%0 : tensor<1x128x1xf32>) {
    ^bb0(%in: f32, %out: f32):
      %126 = arith.divf %in, %cst_7 : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x1xf32>
    %10 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%9 : tensor<1x128x1xf32>) outs(%0 : tensor<1x128x1xf32>) {
    ^bb0(%in: f32, %out: f32):
      %126 = arith.truncf %cst_4 : f64 to f32
      %127 = arith.addf %in, %126 : f32
      linalg.yield %127 : f32
    } -> tensor<1x128x1xf32>
    %11 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%10 : tensor<1x128x1xf32>) outs(%0 : tensor<1x128x1xf32>) {
    ^bb0(%in: f32, %out: f32):
      %126 = math.rsqrt %in : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x1xf32>
    %collapsed_8 = tensor.collapse_shape %11 [[0], [1, 2]] : tensor<1x128x1xf32> into tensor<1x128xf32>
    %12 = linalg.generic {indexing_maps = [#map2, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%collapsed_8 : tensor<1x128xf32>) outs(%4 : tensor<1x128x128xf32>) {
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    } -> tensor<1x128x128xf32>
    %13 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%6, %12 : tensor<1x128x128xf32>, tensor<1x128x128xf32>) outs(%4 : tensor<1x128x128xf32>) {
    ^bb0(%in: f32, %in_74: f32, %out: f32):
      %126 = arith.mulf %in, %in_74 : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x128xf32>
    %14 = linalg.generic {indexing_maps = [#map, #map3, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%13, %cst_6 : tensor<1x128x128xf32>, tensor<128xf32>) outs(%4 : tensor<1x128x128xf32>) {
    ^bb0(%in: f32, %in_74: f32, %out: f32):
      %126 = arith.mulf %in, %in_74 : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x128xf32>
    %15 = linalg.generic {indexing_maps = [#map, #map3, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%14, %cst_5 : tensor<1x128x128xf32>, tensor<128xf32>) outs(%4 : tensor<1x128x128xf32>) {
    ^bb0(%in: f32, %in_74: f32, %out: f32):
      %126 = arith.addf %in, %in_74 : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x128xf32>
    %16 = tensor.empty() : tensor<128x1x128xf32>
    %transposed = linalg.transpose ins(%15 : tensor<1x128x128xf32>) outs(%16 : tensor<128x1x128xf32>) permutation = [1, 0, 2] 
    %__auto.constant_384_128_torch.float32 = util.global.load @__auto.constant_384_128_torch.float32 : tensor<384x128xf32>
    %17 = tensor.empty() : tensor<128x384xf32>
    %transposed_9 = linalg.transpose ins(%__auto.constant_384_128_torch.float32 : tensor<384x128xf32>) outs(%17 : tensor<128x384xf32>) permutation = [1, 0] 
    %18 = tensor.empty() : tensor<128x128x384xf32>
    %19 = linalg.generic {indexing_maps = [#map4, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%transposed_9 : tensor<128x384xf32>) outs(%18 : tensor<128x128x384xf32>) {
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    } -> tensor<128x128x384xf32>
    %20 = tensor.empty() : tensor<128x1x384xf32>
    %21 = linalg.fill ins(%cst : f32) outs(%20 : tensor<128x1x384xf32>) -> tensor<128x1x384xf32>
    %22 = linalg.batch_matmul ins(%transposed, %19 : tensor<128x1x128xf32>, tensor<128x128x384xf32>) outs(%21 : tensor<128x1x384xf32>) -> tensor<128x1x384xf32>
    %23 = linalg.generic {indexing_maps = [#map, #map3, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%22, %cst_3 : tensor<128x1x384xf32>, tensor<384xf32>) outs(%20 : tensor<128x1x384xf32>) {
    ^bb0(%in: f32, %in_74: f32, %out: f32):
      %126 = arith.addf %in, %in_74 : f32
      linalg.yield %126 : f32
    } -> tensor<128x1x384xf32>
    %expanded = tensor.expand_shape %23 [[0, 1], [2], [3, 4]] output_shape [1, 128, 1, 3, 128] : tensor<128x1x384xf32> into tensor<1x128x1x3x128xf32>
    %24 = tensor.empty() : tensor<3x128x1x1x128xf32>
    %transposed_10 = linalg.transpose ins(%expanded : tensor<1x128x1x3x128xf32>) outs(%24 : tensor<3x128x1x1x128xf32>) permutation = [3, 1, 2, 0, 4] 
    %collapsed_11 = tensor.collapse_shape %transposed_10 [[0], [1], [2, 3], [4]] : tensor<3x128x1x1x128xf32> into tensor<3x128x1x128xf32>
    %extracted_slice = tensor.extract_slice %collapsed_11[0, 0, 0, 0] [1, 128, 1, 128] [1, 1, 1, 1] : tensor<3x128x1x128xf32> to tensor<1x128x1x128xf32>
    %extracted_slice_12 = tensor.extract_slice %collapsed_11[1, 0, 0, 0] [1, 128, 1, 128] [1, 1, 1, 1] : tensor<3x128x1x128xf32> to tensor<1x128x1x128xf32>
    %extracted_slice_13 = tensor.extract_slice %collapsed_11[2, 0, 0, 0] [1, 128, 1, 128] [1, 1, 1, 1] : tensor<3x128x1x128xf32> to tensor<1x128x1x128xf32>
    %collapsed_14 = tensor.collapse_shape %extracted_slice [[0, 1], [2, 3]] : tensor<1x128x1x128xf32> into tensor<128x128xf32>
    %expanded_15 = tensor.expand_shape %collapsed_14 [[0], [1, 2]] output_shape [128, 4, 32] : tensor<128x128xf32> into tensor<128x4x32xf32>
    %25 = tensor.empty() : tensor<4x128x32xf32>
    %transposed_16 = linalg.transpose ins(%expanded_15 : tensor<128x4x32xf32>) outs(%25 : tensor<4x128x32xf32>) permutation = [1, 0, 2] 
    %collapsed_17 = tensor.collapse_shape %extracted_slice_12 [[0, 1], [2, 3]] : tensor<1x128x1x128xf32> into tensor<128x128xf32>
    %expanded_18 = tensor.expand_shape %collapsed_17 [[0], [1, 2]] output_shape [128, 4, 32] : tensor<128x128xf32> into tensor<128x4x32xf32>
    %transposed_19 = linalg.transpose ins(%expanded_18 : tensor<128x4x32xf32>) outs(%25 : tensor<4x128x32xf32>) permutation = [1, 0, 2] 
    %collapsed_20 = tensor.collapse_shape %extracted_slice_13 [[0, 1], [2, 3]] : tensor<1x128x1x128xf32> into tensor<128x128xf32>
    %expanded_21 = tensor.expand_shape %collapsed_20 [[0], [1, 2]] output_shape [128, 4, 32] : tensor<128x128xf32> into tensor<128x4x32xf32>
    %transposed_22 = linalg.transpose ins(%expanded_21 : tensor<128x4x32xf32>) outs(%25 : tensor<4x128x32xf32>) permutation = [1, 0, 2] 
    %expanded_23 = tensor.expand_shape %transposed_19 [[0, 1], [2], [3]] output_shape [1, 4, 128, 32] : tensor<4x128x32xf32> into tensor<1x4x128x32xf32>
    %26 = tensor.empty() : tensor<1x4x32x128xf32>
    %transposed_24 = linalg.transpose ins(%expanded_23 : tensor<1x4x128x32xf32>) outs(%26 : tensor<1x4x32x128xf32>) permutation = [0, 1, 3, 2] 
    %collapsed_25 = tensor.collapse_shape %transposed_24 [[0, 1], [2], [3]] : tensor<1x4x32x128xf32> into tensor<4x32x128xf32>
    %27 = tensor.empty() : tensor<4x128x128xf32>
    %28 = linalg.fill ins(%cst : f32) outs(%27 : tensor<4x128x128xf32>) -> tensor<4x128x128xf32>
    %29 = linalg.batch_matmul ins(%transposed_16, %collapsed_25 : tensor<4x128x32xf32>, tensor<4x32x128xf32>) outs(%28 : tensor<4x128x128xf32>) -> tensor<4x128x128xf32>
    %expanded_26 = tensor.expand_shape %29 [[0, 1], [2], [3]] output_shape [1, 4, 128, 128] : tensor<4x128x128xf32> into tensor<1x4x128x128xf32>
    %30 = tensor.empty() : tensor<1x4x128x128xf32>
    %31 = linalg.generic {indexing_maps = [#map5, #map5], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%expanded_26 : tensor<1x4x128x128xf32>) outs(%30 : tensor<1x4x128x128xf32>) {
    ^bb0(%in: f32, %out: f32):
      %126 = arith.truncf %cst_1 : f64 to f32
      %127 = arith.mulf %in, %126 : f32
      linalg.yield %127 : f32
    } -> tensor<1x4x128x128xf32>
    %32 = tensor.empty() : tensor<1x4x128xi64>
    %33 = linalg.fill ins(%c0_i64 : i64) outs(%32 : tensor<1x4x128xi64>) -> tensor<1x4x128xi64>
    %34 = tensor.empty() : tensor<1x4x128xf32>
    %35 = linalg.fill ins(%cst_0 : f32) outs(%34 : tensor<1x4x128xf32>) -> tensor<1x4x128xf32>
    %36:2 = linalg.generic {indexing_maps = [#map5, #map6, #map6], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%31 : tensor<1x4x128x128xf32>) outs(%35, %33 : tensor<1x4x128xf32>, tensor<1x4x128xi64>) {
    ^bb0(%in: f32, %out: f32, %out_74: i64):
      %126 = linalg.index 3 : index
      %127 = arith.index_cast %126 : index to i64
      %128 = arith.maximumf %in, %out : f32
      %129 = arith.cmpf ogt, %in, %out : f32
      %130 = arith.select %129, %127, %out_74 : i64
      linalg.yield %128, %130 : f32, i64
    } -> (tensor<1x4x128xf32>, tensor<1x4x128xi64>)
    %expanded_27 = tensor.expand_shape %36#0 [[0], [1], [2, 3]] output_shape [1, 4, 128, 1] : tensor<1x4x128xf32> into tensor<1x4x128x1xf32>
    %37 = linalg.generic {indexing_maps = [#map5, #map7, #map5], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%31, %expanded_27 : tensor<1x4x128x128xf32>, tensor<1x4x128x1xf32>) outs(%30 : tensor<1x4x128x128xf32>) {
    ^bb0(%in: f32, %in_74: f32, %out: f32):
      %126 = arith.subf %in, %in_74 : f32
      linalg.yield %126 : f32
    } -> tensor<1x4x128x128xf32>
    %38 = linalg.generic {indexing_maps = [#map5, #map5], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%37 : tensor<1x4x128x128xf32>) outs(%30 : tensor<1x4x128x128xf32>) {
    ^bb0(%in: f32, %out: f32):
      %126 = math.exp %in : f32
      linalg.yield %126 : f32
    } -> tensor<1x4x128x128xf32>
    %39 = tensor.empty() : tensor<1x4x128x1xf32>
    %40 = linalg.fill ins(%cst : f32) outs(%39 : tensor<1x4x128x1xf32>) -> tensor<1x4x128x1xf32>
    %41 = linalg.generic {indexing_maps = [#map5, #map7], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%38 : tensor<1x4x128x128xf32>) outs(%40 : tensor<1x4x128x1xf32>) {
    ^bb0(%in: f32, %out: f32):
      %126 = arith.addf %in, %out : f32
      linalg.yield %126 : f32
    } -> tensor<1x4x128x1xf32>
    %42 = linalg.generic {indexing_maps = [#map5, #map7, #map5], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%38, %41 : tensor<1x4x128x128xf32>, tensor<1x4x128x1xf32>) outs(%30 : tensor<1x4x128x128xf32>) {
    ^bb0(%in: f32, %in_74: f32, %out: f32):
      %126 = arith.divf %in, %in_74 : f32
      linalg.yield %126 : f32
    } -> tensor<1x4x128x128xf32>
    %collapsed_28 = tensor.collapse_shape %42 [[0, 1], [2], [3]] : tensor<1x4x128x128xf32> into tensor<4x128x128xf32>
    %43 = linalg.fill ins(%cst : f32) outs(%25 : tensor<4x128x32xf32>) -> tensor<4x128x32xf32>
    %44 = linalg.batch_matmul ins(%collapsed_28, %transposed_22 : tensor<4x128x128xf32>, tensor<4x128x32xf32>) outs(%43 : tensor<4x128x32xf32>) -> tensor<4x128x32xf32>
    %expanded_29 = tensor.expand_shape %44 [[0, 1], [2], [3]] output_shape [1, 4, 128, 32] : tensor<4x128x32xf32> into tensor<1x4x128x32xf32>
    %45 = tensor.empty() : tensor<128x1x4x32xf32>
    %transposed_30 = linalg.transpose ins(%expanded_29 : tensor<1x4x128x32xf32>) outs(%45 : tensor<128x1x4x32xf32>) permutation = [2, 0, 1, 3] 
    %collapsed_31 = tensor.collapse_shape %transposed_30 [[0], [1, 2, 3]] : tensor<128x1x4x32xf32> into tensor<128x128xf32>
    %__auto.constant_128_128_torch.float32 = util.global.load @__auto.constant_128_128_torch.float32 : tensor<128x128xf32>
    %46 = tensor.empty() : tensor<128x128xf32>
    %transposed_32 = linalg.transpose ins(%__auto.constant_128_128_torch.float32 : tensor<128x128xf32>) outs(%46 : tensor<128x128xf32>) permutation = [1, 0] 
    %47 = linalg.fill ins(%cst : f32) outs(%46 : tensor<128x128xf32>) -> tensor<128x128xf32>
    %48 = linalg.matmul ins(%collapsed_31, %transposed_32 : tensor<128x128xf32>, tensor<128x128xf32>) outs(%47 : tensor<128x128xf32>) -> tensor<128x128xf32>
    %49 = linalg.generic {indexing_maps = [#map8, #map9, #map8], iterator_types = ["parallel", "parallel"]} ins(%48, %cst_5 : tensor<128x128xf32>, tensor<128xf32>) outs(%46 : tensor<128x128xf32>) {
    ^bb0(%in: f32, %in_74: f32, %out: f32):
      %126 = arith.addf %in, %in_74 : f32
      linalg.yield %126 : f32
    } -> tensor<128x128xf32>
    %expanded_33 = tensor.expand_shape %49 [[0], [1, 2]] output_shape [128, 1, 128] : tensor<128x128xf32> into tensor<128x1x128xf32>
    %transposed_34 = linalg.transpose ins(%expanded_33 : tensor<128x1x128xf32>) outs(%4 : tensor<1x128x128xf32>) permutation = [1, 0, 2] 
    %50 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%arg0, %transposed_34 : tensor<1x128x128xf32>, tensor<1x128x128xf32>) outs(%4 : tensor<1x128x128xf32>) {
    ^bb0(%in: f32, %in_74: f32, %out: f32):
      %126 = arith.addf %in, %in_74 : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x128xf32>
    %51 = linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "parallel", "reduction"]} ins(%50 : tensor<1x128x128xf32>) outs(%1 : tensor<1x128x1xf32>) {
    ^bb0(%in: f32, %out: f32):
      %126 = arith.addf %in, %out : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x1xf32>
    %52 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%51 : tensor<1x128x1xf32>) outs(%0 : tensor<1x128x1xf32>) {
    ^bb0(%in: f32, %out: f32):
      %126 = arith.divf %in, %cst_7 : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x1xf32>
    %collapsed_35 = tensor.collapse_shape %52 [[0], [1, 2]] : tensor<1x128x1xf32> into tensor<1x128xf32>
    %53 = linalg.generic {indexing_maps = [#map2, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%collapsed_35 : tensor<1x128xf32>) outs(%4 : tensor<1x128x128xf32>) {
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    } -> tensor<1x128x128xf32>
    %54 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%50, %53 : tensor<1x128x128xf32>, tensor<1x128x128xf32>) outs(%4 : tensor<1x128x128xf32>) {
    ^bb0(%in: f32, %in_74: f32, %out: f32):
      %126 = arith.subf %in, %in_74 : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x128xf32>
    %55 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%54, %54 : tensor<1x128x128xf32>, tensor<1x128x128xf32>) outs(%4 : tensor<1x128x128xf32>) {
    ^bb0(%in: f32, %in_74: f32, %out: f32):
      %126 = arith.mulf %in, %in_74 : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x128xf32>
    %56 = linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "parallel", "reduction"]} ins(%55 : tensor<1x128x128xf32>) outs(%1 : tensor<1x128x1xf32>) {
    ^bb0(%in: f32, %out: f32):
      %126 = arith.addf %in, %out : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x1xf32>
    %57 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%56 : tensor<1x128x1xf32>) outs(%0 : tensor<1x128x1xf32>) {
    ^bb0(%in: f32, %out: f32):
      %126 = arith.divf %in, %cst_7 : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x1xf32>
    %58 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%57 : tensor<1x128x1xf32>) outs(%0 : tensor<1x128x1xf32>) {
    ^bb0(%in: f32, %out: f32):
      %126 = arith.truncf %cst_4 : f64 to f32
      %127 = arith.addf %in, %126 : f32
      linalg.yield %127 : f32
    } -> tensor<1x128x1xf32>
    %59 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%58 : tensor<1x128x1xf32>) outs(%0 : tensor<1x128x1xf32>) {
    ^bb0(%in: f32, %out: f32):
      %126 = math.rsqrt %in : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x1xf32>
    %collapsed_36 = tensor.collapse_shape %59 [[0], [1, 2]] : tensor<1x128x1xf32> into tensor<1x128xf32>
    %60 = linalg.generic {indexing_maps = [#map2, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%collapsed_36 : tensor<1x128xf32>) outs(%4 : tensor<1x128x128xf32>) {
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    } -> tensor<1x128x128xf32>
    %61 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%54, %60 : tensor<1x128x128xf32>, tensor<1x128x128xf32>) outs(%4 : tensor<1x128x128xf32>) {
    ^bb0(%in: f32, %in_74: f32, %out: f32):
      %126 = arith.mulf %in, %in_74 : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x128xf32>
    %62 = linalg.generic {indexing_maps = [#map, #map3, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%61, %cst_6 : tensor<1x128x128xf32>, tensor<128xf32>) outs(%4 : tensor<1x128x128xf32>) {
    ^bb0(%in: f32, %in_74: f32, %out: f32):
      %126 = arith.mulf %in, %in_74 : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x128xf32>
    %63 = linalg.generic {indexing_maps = [#map, #map3, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%62, %cst_5 : tensor<1x128x128xf32>, tensor<128xf32>) outs(%4 : tensor<1x128x128xf32>) {
    ^bb0(%in: f32, %in_74: f32, %out: f32):
      %126 = arith.addf %in, %in_74 : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x128xf32>
    %__auto.constant_512_128_torch.float32 = util.global.load @__auto.constant_512_128_torch.float32 : tensor<512x128xf32>
    %64 = tensor.empty() : tensor<128x512xf32>
    %transposed_37 = linalg.transpose ins(%__auto.constant_512_128_torch.float32 : tensor<512x128xf32>) outs(%64 : tensor<128x512xf32>) permutation = [1, 0] 
    %65 = tensor.empty() : tensor<1x128x512xf32>
    %66 = linalg.generic {indexing_maps = [#map4, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%transposed_37 : tensor<128x512xf32>) outs(%65 : tensor<1x128x512xf32>) {
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    } -> tensor<1x128x512xf32>
    %67 = linalg.fill ins(%cst : f32) outs(%65 : tensor<1x128x512xf32>) -> tensor<1x128x512xf32>
    %68 = linalg.batch_matmul ins(%63, %66 : tensor<1x128x128xf32>, tensor<1x128x512xf32>) outs(%67 : tensor<1x128x512xf32>) -> tensor<1x128x512xf32>
    %69 = linalg.generic {indexing_maps = [#map, #map3, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%68, %cst_2 : tensor<1x128x512xf32>, tensor<512xf32>) outs(%65 : tensor<1x128x512xf32>) {
    ^bb0(%in: f32, %in_74: f32, %out: f32):
      %126 = arith.addf %in, %in_74 : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x512xf32>
    %70 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%69 : tensor<1x128x512xf32>) outs(%65 : tensor<1x128x512xf32>) {
    ^bb0(%in: f32, %out: f32):
      %126 = arith.cmpf ugt, %in, %cst : f32
      %127 = arith.select %126, %in, %cst : f32
      linalg.yield %127 : f32
    } -> tensor<1x128x512xf32>
    %__auto.constant_128_512_torch.float32 = util.global.load @__auto.constant_128_512_torch.float32 : tensor<128x512xf32>
    %71 = tensor.empty() : tensor<512x128xf32>
    %transposed_38 = linalg.transpose ins(%__auto.constant_128_512_torch.float32 : tensor<128x512xf32>) outs(%71 : tensor<512x128xf32>) permutation = [1, 0] 
    %72 = tensor.empty() : tensor<1x512x128xf32>
    %73 = linalg.generic {indexing_maps = [#map4, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%transposed_38 : tensor<512x128xf32>) outs(%72 : tensor<1x512x128xf32>) {
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    } -> tensor<1x512x128xf32>
    %74 = linalg.fill ins(%cst : f32) outs(%4 : tensor<1x128x128xf32>) -> tensor<1x128x128xf32>
    %75 = linalg.batch_matmul ins(%70, %73 : tensor<1x128x512xf32>, tensor<1x512x128xf32>) outs(%74 : tensor<1x128x128xf32>) -> tensor<1x128x128xf32>
    %76 = linalg.generic {indexing_maps = [#map, #map3, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%75, %cst_5 : tensor<1x128x128xf32>, tensor<128xf32>) outs(%4 : tensor<1x128x128xf32>) {
    ^bb0(%in: f32, %in_74: f32, %out: f32):
      %126 = arith.addf %in, %in_74 : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x128xf32>
    %77 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%50, %76 : tensor<1x128x128xf32>, tensor<1x128x128xf32>) outs(%4 : tensor<1x128x128xf32>) {
    ^bb0(%in: f32, %in_74: f32, %out: f32):
      %126 = arith.addf %in, %in_74 : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x128xf32>
    %78 = linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "parallel", "reduction"]} ins(%77 : tensor<1x128x128xf32>) outs(%1 : tensor<1x128x1xf32>) {
    ^bb0(%in: f32, %out: f32):
      %126 = arith.addf %in, %out : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x1xf32>
    %79 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%78 : tensor<1x128x1xf32>) outs(%0 : tensor<1x128x1xf32>) {
    ^bb0(%in: f32, %out: f32):
      %126 = arith.divf %in, %cst_7 : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x1xf32>
    %collapsed_39 = tensor.collapse_shape %79 [[0], [1, 2]] : tensor<1x128x1xf32> into tensor<1x128xf32>
    %80 = linalg.generic {indexing_maps = [#map2, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%collapsed_39 : tensor<1x128xf32>) outs(%4 : tensor<1x128x128xf32>) {
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    } -> tensor<1x128x128xf32>
    %81 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%77, %80 : tensor<1x128x128xf32>, tensor<1x128x128xf32>) outs(%4 : tensor<1x128x128xf32>) {
    ^bb0(%in: f32, %in_74: f32, %out: f32):
      %126 = arith.subf %in, %in_74 : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x128xf32>
    %82 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%81, %81 : tensor<1x128x128xf32>, tensor<1x128x128xf32>) outs(%4 : tensor<1x128x128xf32>) {
    ^bb0(%in: f32, %in_74: f32, %out: f32):
      %126 = arith.mulf %in, %in_74 : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x128xf32>
    %83 = linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "parallel", "reduction"]} ins(%82 : tensor<1x128x128xf32>) outs(%1 : tensor<1x128x1xf32>) {
    ^bb0(%in: f32, %out: f32):
      %126 = arith.addf %in, %out : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x1xf32>
    %84 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%83 : tensor<1x128x1xf32>) outs(%0 : tensor<1x128x1xf32>) {
    ^bb0(%in: f32, %out: f32):
      %126 = arith.divf %in, %cst_7 : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x1xf32>
    %85 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%84 : tensor<1x128x1xf32>) outs(%0 : tensor<1x128x1xf32>) {
    ^bb0(%in: f32, %out: f32):
      %126 = arith.truncf %cst_4 : f64 to f32
      %127 = arith.addf %in, %126 : f32
      linalg.yield %127 : f32
    } -> tensor<1x128x1xf32>
    %86 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%85 : tensor<1x128x1xf32>) outs(%0 : tensor<1x128x1xf32>) {
    ^bb0(%in: f32, %out: f32):
      %126 = math.rsqrt %in : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x1xf32>
    %collapsed_40 = tensor.collapse_shape %86 [[0], [1, 2]] : tensor<1x128x1xf32> into tensor<1x128xf32>
    %87 = linalg.generic {indexing_maps = [#map2, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%collapsed_40 : tensor<1x128xf32>) outs(%4 : tensor<1x128x128xf32>) {
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    } -> tensor<1x128x128xf32>
    %88 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%81, %87 : tensor<1x128x128xf32>, tensor<1x128x128xf32>) outs(%4 : tensor<1x128x128xf32>) {
    ^bb0(%in: f32, %in_74: f32, %out: f32):
      %126 = arith.mulf %in, %in_74 : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x128xf32>
    %89 = linalg.generic {indexing_maps = [#map, #map3, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%88, %cst_6 : tensor<1x128x128xf32>, tensor<128xf32>) outs(%4 : tensor<1x128x128xf32>) {
    ^bb0(%in: f32, %in_74: f32, %out: f32):
      %126 = arith.mulf %in, %in_74 : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x128xf32>
    %90 = linalg.generic {indexing_maps = [#map, #map3, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%89, %cst_5 : tensor<1x128x128xf32>, tensor<128xf32>) outs(%4 : tensor<1x128x128xf32>) {
    ^bb0(%in: f32, %in_74: f32, %out: f32):
      %126 = arith.addf %in, %in_74 : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x128xf32>
    %transposed_41 = linalg.transpose ins(%90 : tensor<1x128x128xf32>) outs(%16 : tensor<128x1x128xf32>) permutation = [1, 0, 2] 
    %__auto.constant_384_128_torch.float32$1 = util.global.load @__auto.constant_384_128_torch.float32$1 : tensor<384x128xf32>
    %transposed_42 = linalg.transpose ins(%__auto.constant_384_128_torch.float32$1 : tensor<384x128xf32>) outs(%17 : tensor<128x384xf32>) permutation = [1, 0] 
    %91 = linalg.generic {indexing_maps = [#map4, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%transposed_42 : tensor<128x384xf32>) outs(%18 : tensor<128x128x384xf32>) {
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    } -> tensor<128x128x384xf32>
    %92 = linalg.batch_matmul ins(%transposed_41, %91 : tensor<128x1x128xf32>, tensor<128x128x384xf32>) outs(%21 : tensor<128x1x384xf32>) -> tensor<128x1x384xf32>
    %93 = linalg.generic {indexing_maps = [#map, #map3, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%92, %cst_3 : tensor<128x1x384xf32>, tensor<384xf32>) outs(%20 : tensor<128x1x384xf32>) {
    ^bb0(%in: f32, %in_74: f32, %out: f32):
      %126 = arith.addf %in, %in_74 : f32
      linalg.yield %126 : f32
    } -> tensor<128x1x384xf32>
    %expanded_43 = tensor.expand_shape %93 [[0, 1], [2], [3, 4]] output_shape [1, 128, 1, 3, 128] : tensor<128x1x384xf32> into tensor<1x128x1x3x128xf32>
    %transposed_44 = linalg.transpose ins(%expanded_43 : tensor<1x128x1x3x128xf32>) outs(%24 : tensor<3x128x1x1x128xf32>) permutation = [3, 1, 2, 0, 4] 
    %collapsed_45 = tensor.collapse_shape %transposed_44 [[0], [1], [2, 3], [4]] : tensor<3x128x1x1x128xf32> into tensor<3x128x1x128xf32>
    %extracted_slice_46 = tensor.extract_slice %collapsed_45[0, 0, 0, 0] [1, 128, 1, 128] [1, 1, 1, 1] : tensor<3x128x1x128xf32> to tensor<1x128x1x128xf32>
    %extracted_slice_47 = tensor.extract_slice %collapsed_45[1, 0, 0, 0] [1, 128, 1, 128] [1, 1, 1, 1] : tensor<3x128x1x128xf32> to tensor<1x128x1x128xf32>
    %extracted_slice_48 = tensor.extract_slice %collapsed_45[2, 0, 0, 0] [1, 128, 1, 128] [1, 1, 1, 1] : tensor<3x128x1x128xf32> to tensor<1x128x1x128xf32>
    %collapsed_49 = tensor.collapse_shape %extracted_slice_46 [[0, 1], [2, 3]] : tensor<1x128x1x128xf32> into tensor<128x128xf32>
    %expanded_50 = tensor.expand_shape %collapsed_49 [[0], [1, 2]] output_shape [128, 4, 32] : tensor<128x128xf32> into tensor<128x4x32xf32>
    %transposed_51 = linalg.transpose ins(%expanded_50 : tensor<128x4x32xf32>) outs(%25 : tensor<4x128x32xf32>) permutation = [1, 0, 2] 
    %collapsed_52 = tensor.collapse_shape %extracted_slice_47 [[0, 1], [2, 3]] : tensor<1x128x1x128xf32> into tensor<128x128xf32>
    %expanded_53 = tensor.expand_shape %collapsed_52 [[0], [1, 2]] output_shape [128, 4, 32] : tensor<128x128xf32> into tensor<128x4x32xf32>
    %transposed_54 = linalg.transpose ins(%expanded_53 : tensor<128x4x32xf32>) outs(%25 : tensor<4x128x32xf32>) permutation = [1, 0, 2] 
    %collapsed_55 = tensor.collapse_shape %extracted_slice_48 [[0, 1], [2, 3]] : tensor<1x128x1x128xf32> into tensor<128x128xf32>
    %expanded_56 = tensor.expand_shape %collapsed_55 [[0], [1, 2]] output_shape [128, 4, 32] : tensor<128x128xf32> into tensor<128x4x32xf32>
    %transposed_57 = linalg.transpose ins(%expanded_56 : tensor<128x4x32xf32>) outs(%25 : tensor<4x128x32xf32>) permutation = [1, 0, 2] 
    %expanded_58 = tensor.expand_shape %transposed_54 [[0, 1], [2], [3]] output_shape [1, 4, 128, 32] : tensor<4x128x32xf32> into tensor<1x4x128x32xf32>
    %transposed_59 = linalg.transpose ins(%expanded_58 : tensor<1x4x128x32xf32>) outs(%26 : tensor<1x4x32x128xf32>) permutation = [0, 1, 3, 2] 
    %collapsed_60 = tensor.collapse_shape %transposed_59 [[0, 1], [2], [3]] : tensor<1x4x32x128xf32> into tensor<4x32x128xf32>
    %94 = linalg.batch_matmul ins(%transposed_51, %collapsed_60 : tensor<4x128x32xf32>, tensor<4x32x128xf32>) outs(%28 : tensor<4x128x128xf32>) -> tensor<4x128x128xf32>
    %expanded_61 = tensor.expand_shape %94 [[0, 1], [2], [3]] output_shape [1, 4, 128, 128] : tensor<4x128x128xf32> into tensor<1x4x128x128xf32>
    %95 = linalg.generic {indexing_maps = [#map5, #map5], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%expanded_61 : tensor<1x4x128x128xf32>) outs(%30 : tensor<1x4x128x128xf32>) {
    ^bb0(%in: f32, %out: f32):
      %126 = arith.truncf %cst_1 : f64 to f32
      %127 = arith.mulf %in, %126 : f32
      linalg.yield %127 : f32
    } -> tensor<1x4x128x128xf32>
    %96:2 = linalg.generic {indexing_maps = [#map5, #map6, #map6], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%95 : tensor<1x4x128x128xf32>) outs(%35, %33 : tensor<1x4x128xf32>, tensor<1x4x128xi64>) {
    ^bb0(%in: f32, %out: f32, %out_74: i64):
      %126 = linalg.index 3 : index
      %127 = arith.index_cast %126 : index to i64
      %128 = arith.maximumf %in, %out : f32
      %129 = arith.cmpf ogt, %in, %out : f32
      %130 = arith.select %129, %127, %out_74 : i64
      linalg.yield %128, %130 : f32, i64
    } -> (tensor<1x4x128xf32>, tensor<1x4x128xi64>)
    %expanded_62 = tensor.expand_shape %96#0 [[0], [1], [2, 3]] output_shape [1, 4, 128, 1] : tensor<1x4x128xf32> into tensor<1x4x128x1xf32>
    %97 = linalg.generic {indexing_maps = [#map5, #map7, #map5], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%95, %expanded_62 : tensor<1x4x128x128xf32>, tensor<1x4x128x1xf32>) outs(%30 : tensor<1x4x128x128xf32>) {
    ^bb0(%in: f32, %in_74: f32, %out: f32):
      %126 = arith.subf %in, %in_74 : f32
      linalg.yield %126 : f32
    } -> tensor<1x4x128x128xf32>
    %98 = linalg.generic {indexing_maps = [#map5, #map5], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%97 : tensor<1x4x128x128xf32>) outs(%30 : tensor<1x4x128x128xf32>) {
    ^bb0(%in: f32, %out: f32):
      %126 = math.exp %in : f32
      linalg.yield %126 : f32
    } -> tensor<1x4x128x128xf32>
    %99 = linalg.generic {indexing_maps = [#map5, #map7], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%98 : tensor<1x4x128x128xf32>) outs(%40 : tensor<1x4x128x1xf32>) {
    ^bb0(%in: f32, %out: f32):
      %126 = arith.addf %in, %out : f32
      linalg.yield %126 : f32
    } -> tensor<1x4x128x1xf32>
    %100 = linalg.generic {indexing_maps = [#map5, #map7, #map5], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%98, %99 : tensor<1x4x128x128xf32>, tensor<1x4x128x1xf32>) outs(%30 : tensor<1x4x128x128xf32>) {
    ^bb0(%in: f32, %in_74: f32, %out: f32):
      %126 = arith.divf %in, %in_74 : f32
      linalg.yield %126 : f32
    } -> tensor<1x4x128x128xf32>
    %collapsed_63 = tensor.collapse_shape %100 [[0, 1], [2], [3]] : tensor<1x4x128x128xf32> into tensor<4x128x128xf32>
    %101 = linalg.batch_matmul ins(%collapsed_63, %transposed_57 : tensor<4x128x128xf32>, tensor<4x128x32xf32>) outs(%43 : tensor<4x128x32xf32>) -> tensor<4x128x32xf32>
    %expanded_64 = tensor.expand_shape %101 [[0, 1], [2], [3]] output_shape [1, 4, 128, 32] : tensor<4x128x32xf32> into tensor<1x4x128x32xf32>
    %transposed_65 = linalg.transpose ins(%expanded_64 : tensor<1x4x128x32xf32>) outs(%45 : tensor<128x1x4x32xf32>) permutation = [2, 0, 1, 3] 
    %collapsed_66 = tensor.collapse_shape %transposed_65 [[0], [1, 2, 3]] : tensor<128x1x4x32xf32> into tensor<128x128xf32>
    %__auto.constant_128_128_torch.float32$1 = util.global.load @__auto.constant_128_128_torch.float32$1 : tensor<128x128xf32>
    %transposed_67 = linalg.transpose ins(%__auto.constant_128_128_torch.float32$1 : tensor<128x128xf32>) outs(%46 : tensor<128x128xf32>) permutation = [1, 0] 
    %102 = linalg.matmul ins(%collapsed_66, %transposed_67 : tensor<128x128xf32>, tensor<128x128xf32>) outs(%47 : tensor<128x128xf32>) -> tensor<128x128xf32>
    %103 = linalg.generic {indexing_maps = [#map8, #map9, #map8], iterator_types = ["parallel", "parallel"]} ins(%102, %cst_5 : tensor<128x128xf32>, tensor<128xf32>) outs(%46 : tensor<128x128xf32>) {
    ^bb0(%in: f32, %in_74: f32, %out: f32):
      %126 = arith.addf %in, %in_74 : f32
      linalg.yield %126 : f32
    } -> tensor<128x128xf32>
    %expanded_68 = tensor.expand_shape %103 [[0], [1, 2]] output_shape [128, 1, 128] : tensor<128x128xf32> into tensor<128x1x128xf32>
    %transposed_69 = linalg.transpose ins(%expanded_68 : tensor<128x1x128xf32>) outs(%4 : tensor<1x128x128xf32>) permutation = [1, 0, 2] 
    %104 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%77, %transposed_69 : tensor<1x128x128xf32>, tensor<1x128x128xf32>) outs(%4 : tensor<1x128x128xf32>) {
    ^bb0(%in: f32, %in_74: f32, %out: f32):
      %126 = arith.addf %in, %in_74 : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x128xf32>
    %105 = linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "parallel", "reduction"]} ins(%104 : tensor<1x128x128xf32>) outs(%1 : tensor<1x128x1xf32>) {
    ^bb0(%in: f32, %out: f32):
      %126 = arith.addf %in, %out : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x1xf32>
    %106 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%105 : tensor<1x128x1xf32>) outs(%0 : tensor<1x128x1xf32>) {
    ^bb0(%in: f32, %out: f32):
      %126 = arith.divf %in, %cst_7 : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x1xf32>
    %collapsed_70 = tensor.collapse_shape %106 [[0], [1, 2]] : tensor<1x128x1xf32> into tensor<1x128xf32>
    %107 = linalg.generic {indexing_maps = [#map2, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%collapsed_70 : tensor<1x128xf32>) outs(%4 : tensor<1x128x128xf32>) {
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    } -> tensor<1x128x128xf32>
    %108 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%104, %107 : tensor<1x128x128xf32>, tensor<1x128x128xf32>) outs(%4 : tensor<1x128x128xf32>) {
    ^bb0(%in: f32, %in_74: f32, %out: f32):
      %126 = arith.subf %in, %in_74 : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x128xf32>
    %109 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%108, %108 : tensor<1x128x128xf32>, tensor<1x128x128xf32>) outs(%4 : tensor<1x128x128xf32>) {
    ^bb0(%in: f32, %in_74: f32, %out: f32):
      %126 = arith.mulf %in, %in_74 : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x128xf32>
    %110 = linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "parallel", "reduction"]} ins(%109 : tensor<1x128x128xf32>) outs(%1 : tensor<1x128x1xf32>) {
    ^bb0(%in: f32, %out: f32):
      %126 = arith.addf %in, %out : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x1xf32>
    %111 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%110 : tensor<1x128x1xf32>) outs(%0 : tensor<1x128x1xf32>) {
    ^bb0(%in: f32, %out: f32):
      %126 = arith.divf %in, %cst_7 : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x1xf32>
    %112 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%111 : tensor<1x128x1xf32>) outs(%0 : tensor<1x128x1xf32>) {
    ^bb0(%in: f32, %out: f32):
      %126 = arith.truncf %cst_4 : f64 to f32
      %127 = arith.addf %in, %126 : f32
      linalg.yield %127 : f32
    } -> tensor<1x128x1xf32>
    %113 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%112 : tensor<1x128x1xf32>) outs(%0 : tensor<1x128x1xf32>) {
    ^bb0(%in: f32, %out: f32):
      %126 = math.rsqrt %in : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x1xf32>
    %collapsed_71 = tensor.collapse_shape %113 [[0], [1, 2]] : tensor<1x128x1xf32> into tensor<1x128xf32>
    %114 = linalg.generic {indexing_maps = [#map2, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%collapsed_71 : tensor<1x128xf32>) outs(%4 : tensor<1x128x128xf32>) {
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    } -> tensor<1x128x128xf32>
    %115 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%108, %114 : tensor<1x128x128xf32>, tensor<1x128x128xf32>) outs(%4 : tensor<1x128x128xf32>) {
    ^bb0(%in: f32, %in_74: f32, %out: f32):
      %126 = arith.mulf %in, %in_74 : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x128xf32>
    %116 = linalg.generic {indexing_maps = [#map, #map3, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%115, %cst_6 : tensor<1x128x128xf32>, tensor<128xf32>) outs(%4 : tensor<1x128x128xf32>) {
    ^bb0(%in: f32, %in_74: f32, %out: f32):
      %126 = arith.mulf %in, %in_74 : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x128xf32>
    %117 = linalg.generic {indexing_maps = [#map, #map3, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%116, %cst_5 : tensor<1x128x128xf32>, tensor<128xf32>) outs(%4 : tensor<1x128x128xf32>) {
    ^bb0(%in: f32, %in_74: f32, %out: f32):
      %126 = arith.addf %in, %in_74 : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x128xf32>
    %__auto.constant_512_128_torch.float32$1 = util.global.load @__auto.constant_512_128_torch.float32$1 : tensor<512x128xf32>
    %transposed_72 = linalg.transpose ins(%__auto.constant_512_128_torch.float32$1 : tensor<512x128xf32>) outs(%64 : tensor<128x512xf32>) permutation = [1, 0] 
    %118 = linalg.generic {indexing_maps = [#map4, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%transposed_72 : tensor<128x512xf32>) outs(%65 : tensor<1x128x512xf32>) {
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    } -> tensor<1x128x512xf32>
    %119 = linalg.batch_matmul ins(%117, %118 : tensor<1x128x128xf32>, tensor<1x128x512xf32>) outs(%67 : tensor<1x128x512xf32>) -> tensor<1x128x512xf32>
    %120 = linalg.generic {indexing_maps = [#map, #map3, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%119, %cst_2 : tensor<1x128x512xf32>, tensor<512xf32>) outs(%65 : tensor<1x128x512xf32>) {
    ^bb0(%in: f32, %in_74: f32, %out: f32):
      %126 = arith.addf %in, %in_74 : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x512xf32>
    %121 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%120 : tensor<1x128x512xf32>) outs(%65 : tensor<1x128x512xf32>) {
    ^bb0(%in: f32, %out: f32):
      %126 = arith.cmpf ugt, %in, %cst : f32
      %127 = arith.select %126, %in, %cst : f32
      linalg.yield %127 : f32
    } -> tensor<1x128x512xf32>
    %__auto.constant_128_512_torch.float32$1 = util.global.load @__auto.constant_128_512_torch.float32$1 : tensor<128x512xf32>
    %transposed_73 = linalg.transpose ins(%__auto.constant_128_512_torch.float32$1 : tensor<128x512xf32>) outs(%71 : tensor<512x128xf32>) permutation = [1, 0] 
    %122 = linalg.generic {indexing_maps = [#map4, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%transposed_73 : tensor<512x128xf32>) outs(%72 : tensor<1x512x128xf32>) {
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    } -> tensor<1x512x128xf32>
    %123 = linalg.batch_matmul ins(%121, %122 : tensor<1x128x512xf32>, tensor<1x512x128xf32>) outs(%74 : tensor<1x128x128xf32>) -> tensor<1x128x128xf32>
    %124 = linalg.generic {indexing_maps = [#map, #map3, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%123, %cst_5 : tensor<1x128x128xf32>, tensor<128xf32>) outs(%4 : tensor<1x128x128xf32>) {
    ^bb0(%in: f32, %in_74: f32, %out: f32):
      %126 = arith.addf %in, %in_74 : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x128xf32>
    %125 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel", "parallel", "parallel"]} ins(%104, %124 : tensor<1x128x128xf32>, tensor<1x128x128xf32>) outs(%4 : tensor<1x128x128xf32>) {
    ^bb0(%in: f32, %in_74: f32, %out: f32):
      %126 = arith.addf %in, %in_74 : f32
      linalg.yield %126 : f32
    } -> tensor<1x128x128xf32>
    return %125 : tensor<1x128x128xf32>
  }
}

