// litecoop-mlir model zoo: mobilenet_dw, exported from PyTorch 2.13.0+cpu by tools/export_zoo.py
// (iree-turbine aot.export, then IREE's torch input passes to linalg on tensors);
// weights are one value per tensor (splats): regenerate with that script.
#map = affine_map<(d0) -> (d0)>
#map1 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#map2 = affine_map<(d0, d1, d2, d3) -> (d1, 0, 0)>
#map3 = affine_map<(d0, d1, d2, d3) -> ()>
#map4 = affine_map<(d0, d1) -> (d0, d1)>
#map5 = affine_map<(d0, d1) -> (d1)>
module @module {
  util.global private @__auto.constant_64_32_1_1_torch.float32 = dense<3.125000e-02> : tensor<64x32x1x1xf32>
  util.global private @__auto.constant_128_64_1_1_torch.float32 = dense<1.562500e-02> : tensor<128x64x1x1xf32>
  util.global private @__auto.constant_128_1_3_3_torch.float32 = dense<-0.111111112> : tensor<128x1x3x3xf32>
  util.global private @__auto.constant_128_128_1_1_torch.float32 = dense<7.812500e-03> : tensor<128x128x1x1xf32>
  util.global private @__auto.constant_128_1_3_3_torch.float32$1 = dense<-0.111111112> : tensor<128x1x3x3xf32>
  util.global private @__auto.constant_256_128_1_1_torch.float32 = dense<7.812500e-03> : tensor<256x128x1x1xf32>
  util.global private @__auto.constant_256_1_3_3_torch.float32 = dense<-0.111111112> : tensor<256x1x3x3xf32>
  util.global private @__auto.constant_256_256_1_1_torch.float32 = dense<3.906250e-03> : tensor<256x256x1x1xf32>
  util.global private @__auto.constant_10_256_torch.float32 = dense<-3.906250e-03> : tensor<10x256xf32>
  func.func @main(%arg0: tensor<1x3x112x112xf32>) -> tensor<1x10xf32> {
    %cst = arith.constant 0.000000e+00 : f32
    %cst_0 = arith.constant 1.000000e+00 : f32
    %cst_1 = arith.constant dense<6.000000e+00> : tensor<f32>
    %cst_2 = arith.constant dense<0.000000e+00> : tensor<f32>
    %cst_3 = arith.constant dense<3.906250e-03> : tensor<256x1x1xf32>
    %cst_4 = arith.constant dense<0.00999999977> : tensor<256x1x1xf32>
    %cst_5 = arith.constant dense<-3.906250e-03> : tensor<256x1x1xf32>
    %cst_6 = arith.constant dense<-0.00999999977> : tensor<256x1x1xf32>
    %cst_7 = arith.constant dense<1.000010e+00> : tensor<256xf32>
    %cst_8 = arith.constant dense<7.812500e-03> : tensor<128x1x1xf32>
    %cst_9 = arith.constant dense<0.00999999977> : tensor<128x1x1xf32>
    %cst_10 = arith.constant dense<-7.812500e-03> : tensor<128x1x1xf32>
    %cst_11 = arith.constant dense<-0.00999999977> : tensor<128x1x1xf32>
    %cst_12 = arith.constant dense<1.000010e+00> : tensor<128xf32>
    %cst_13 = arith.constant dense<1.562500e-02> : tensor<64x1x1xf32>
    %cst_14 = arith.constant dense<0.00999999977> : tensor<64x1x1xf32>
    %cst_15 = arith.constant dense<-1.562500e-02> : tensor<64x1x1xf32>
    %cst_16 = arith.constant dense<-0.00999999977> : tensor<64x1x1xf32>
    %cst_17 = arith.constant dense<1.000010e+00> : tensor<64xf32>
    %cst_18 = arith.constant dense<3.125000e-02> : tensor<32x1x1xf32>
    %cst_19 = arith.constant dense<0.00999999977> : tensor<32x1x1xf32>
    %cst_20 = arith.constant dense<-3.125000e-02> : tensor<32x1x1xf32>
    %cst_21 = arith.constant dense<-0.00999999977> : tensor<32x1x1xf32>
    %cst_22 = arith.constant dense<1.000010e+00> : tensor<32xf32>
    %cst_23 = arith.constant dense<0.00999999977> : tensor<10xf32>
    %cst_24 = arith.constant dense<0.0370370373> : tensor<32x3x3x3xf32>
    %cst_25 = arith.constant dense<-0.111111112> : tensor<32x3x3xf32>
    %cst_26 = arith.constant dense<-0.111111112> : tensor<64x3x3xf32>
    %cst_27 = arith.constant 1.960000e+02 : f32
    %padded = tensor.pad %arg0 low[0, 0, 1, 1] high[0, 0, 1, 1] {
    ^bb0(%arg1: index, %arg2: index, %arg3: index, %arg4: index):
      tensor.yield %cst : f32
    } : tensor<1x3x112x112xf32> to tensor<1x3x114x114xf32>
    %0 = tensor.empty() : tensor<1x32x56x56xf32>
    %1 = linalg.fill ins(%cst : f32) outs(%0 : tensor<1x32x56x56xf32>) -> tensor<1x32x56x56xf32>
    %2 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%padded, %cst_24 : tensor<1x3x114x114xf32>, tensor<32x3x3x3xf32>) outs(%1 : tensor<1x32x56x56xf32>) -> tensor<1x32x56x56xf32>
    %3 = tensor.empty() : tensor<32xf32>
    %4 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]} ins(%cst_22 : tensor<32xf32>) outs(%3 : tensor<32xf32>) {
    ^bb0(%in: f32, %out: f32):
      %118 = math.sqrt %in : f32
      linalg.yield %118 : f32
    } -> tensor<32xf32>
    %5 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]} ins(%4 : tensor<32xf32>) outs(%3 : tensor<32xf32>) {
    ^bb0(%in: f32, %out: f32):
      %118 = arith.cmpf one, %in, %cst : f32
      cf.assert %118, "unimplemented: tensor with zero element"
      %119 = arith.divf %cst_0, %in : f32
      linalg.yield %119 : f32
    } -> tensor<32xf32>
    %expanded = tensor.expand_shape %5 [[0, 1, 2]] output_shape [32, 1, 1] : tensor<32xf32> into tensor<32x1x1xf32>
    %6 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%2, %cst_21 : tensor<1x32x56x56xf32>, tensor<32x1x1xf32>) outs(%0 : tensor<1x32x56x56xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.subf %in, %in_46 : f32
      linalg.yield %118 : f32
    } -> tensor<1x32x56x56xf32>
    %7 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%6, %expanded : tensor<1x32x56x56xf32>, tensor<32x1x1xf32>) outs(%0 : tensor<1x32x56x56xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.mulf %in, %in_46 : f32
      linalg.yield %118 : f32
    } -> tensor<1x32x56x56xf32>
    %8 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%7, %cst_20 : tensor<1x32x56x56xf32>, tensor<32x1x1xf32>) outs(%0 : tensor<1x32x56x56xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.mulf %in, %in_46 : f32
      linalg.yield %118 : f32
    } -> tensor<1x32x56x56xf32>
    %9 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%8, %cst_19 : tensor<1x32x56x56xf32>, tensor<32x1x1xf32>) outs(%0 : tensor<1x32x56x56xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.addf %in, %in_46 : f32
      linalg.yield %118 : f32
    } -> tensor<1x32x56x56xf32>
    %10 = linalg.generic {indexing_maps = [#map1, #map3, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%9, %cst_2 : tensor<1x32x56x56xf32>, tensor<f32>) outs(%0 : tensor<1x32x56x56xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.cmpf ogt, %in, %in_46 : f32
      %119 = arith.select %118, %in, %in_46 : f32
      linalg.yield %119 : f32
    } -> tensor<1x32x56x56xf32>
    %11 = linalg.generic {indexing_maps = [#map3, #map1, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%cst_1, %10 : tensor<f32>, tensor<1x32x56x56xf32>) outs(%0 : tensor<1x32x56x56xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.cmpf olt, %in, %in_46 : f32
      %119 = arith.select %118, %in, %in_46 : f32
      linalg.yield %119 : f32
    } -> tensor<1x32x56x56xf32>
    %padded_28 = tensor.pad %11 low[0, 0, 1, 1] high[0, 0, 1, 1] {
    ^bb0(%arg1: index, %arg2: index, %arg3: index, %arg4: index):
      tensor.yield %cst : f32
    } : tensor<1x32x56x56xf32> to tensor<1x32x58x58xf32>
    %12 = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%padded_28, %cst_25 : tensor<1x32x58x58xf32>, tensor<32x3x3xf32>) outs(%1 : tensor<1x32x56x56xf32>) -> tensor<1x32x56x56xf32>
    %13 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]} ins(%4 : tensor<32xf32>) outs(%3 : tensor<32xf32>) {
    ^bb0(%in: f32, %out: f32):
      %118 = arith.cmpf one, %in, %cst : f32
      cf.assert %118, "unimplemented: tensor with zero element"
      %119 = arith.divf %cst_0, %in : f32
      linalg.yield %119 : f32
    } -> tensor<32xf32>
    %expanded_29 = tensor.expand_shape %13 [[0, 1, 2]] output_shape [32, 1, 1] : tensor<32xf32> into tensor<32x1x1xf32>
    %14 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%12, %cst_19 : tensor<1x32x56x56xf32>, tensor<32x1x1xf32>) outs(%0 : tensor<1x32x56x56xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.subf %in, %in_46 : f32
      linalg.yield %118 : f32
    } -> tensor<1x32x56x56xf32>
    %15 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%14, %expanded_29 : tensor<1x32x56x56xf32>, tensor<32x1x1xf32>) outs(%0 : tensor<1x32x56x56xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.mulf %in, %in_46 : f32
      linalg.yield %118 : f32
    } -> tensor<1x32x56x56xf32>
    %16 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%15, %cst_18 : tensor<1x32x56x56xf32>, tensor<32x1x1xf32>) outs(%0 : tensor<1x32x56x56xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.mulf %in, %in_46 : f32
      linalg.yield %118 : f32
    } -> tensor<1x32x56x56xf32>
    %17 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%16, %cst_21 : tensor<1x32x56x56xf32>, tensor<32x1x1xf32>) outs(%0 : tensor<1x32x56x56xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.addf %in, %in_46 : f32
      linalg.yield %118 : f32
    } -> tensor<1x32x56x56xf32>
    %18 = linalg.generic {indexing_maps = [#map1, #map3, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%17, %cst_2 : tensor<1x32x56x56xf32>, tensor<f32>) outs(%0 : tensor<1x32x56x56xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.cmpf ogt, %in, %in_46 : f32
      %119 = arith.select %118, %in, %in_46 : f32
      linalg.yield %119 : f32
    } -> tensor<1x32x56x56xf32>
    %19 = linalg.generic {indexing_maps = [#map3, #map1, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%cst_1, %18 : tensor<f32>, tensor<1x32x56x56xf32>) outs(%0 : tensor<1x32x56x56xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.cmpf olt, %in, %in_46 : f32
      %119 = arith.select %118, %in, %in_46 : f32
      linalg.yield %119 : f32
    } -> tensor<1x32x56x56xf32>
    %__auto.constant_64_32_1_1_torch.float32 = util.global.load @__auto.constant_64_32_1_1_torch.float32 : tensor<64x32x1x1xf32>
    %20 = tensor.empty() : tensor<1x64x56x56xf32>
    %21 = linalg.fill ins(%cst : f32) outs(%20 : tensor<1x64x56x56xf32>) -> tensor<1x64x56x56xf32>
    %22 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%19, %__auto.constant_64_32_1_1_torch.float32 : tensor<1x32x56x56xf32>, tensor<64x32x1x1xf32>) outs(%21 : tensor<1x64x56x56xf32>) -> tensor<1x64x56x56xf32>
    %23 = tensor.empty() : tensor<64xf32>
    %24 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]} ins(%cst_17 : tensor<64xf32>) outs(%23 : tensor<64xf32>) {
    ^bb0(%in: f32, %out: f32):
      %118 = math.sqrt %in : f32
      linalg.yield %118 : f32
    } -> tensor<64xf32>
    %25 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]} ins(%24 : tensor<64xf32>) outs(%23 : tensor<64xf32>) {
    ^bb0(%in: f32, %out: f32):
      %118 = arith.cmpf one, %in, %cst : f32
      cf.assert %118, "unimplemented: tensor with zero element"
      %119 = arith.divf %cst_0, %in : f32
      linalg.yield %119 : f32
    } -> tensor<64xf32>
    %expanded_30 = tensor.expand_shape %25 [[0, 1, 2]] output_shape [64, 1, 1] : tensor<64xf32> into tensor<64x1x1xf32>
    %26 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%22, %cst_16 : tensor<1x64x56x56xf32>, tensor<64x1x1xf32>) outs(%20 : tensor<1x64x56x56xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.subf %in, %in_46 : f32
      linalg.yield %118 : f32
    } -> tensor<1x64x56x56xf32>
    %27 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%26, %expanded_30 : tensor<1x64x56x56xf32>, tensor<64x1x1xf32>) outs(%20 : tensor<1x64x56x56xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.mulf %in, %in_46 : f32
      linalg.yield %118 : f32
    } -> tensor<1x64x56x56xf32>
    %28 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%27, %cst_15 : tensor<1x64x56x56xf32>, tensor<64x1x1xf32>) outs(%20 : tensor<1x64x56x56xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.mulf %in, %in_46 : f32
      linalg.yield %118 : f32
    } -> tensor<1x64x56x56xf32>
    %29 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%28, %cst_14 : tensor<1x64x56x56xf32>, tensor<64x1x1xf32>) outs(%20 : tensor<1x64x56x56xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.addf %in, %in_46 : f32
      linalg.yield %118 : f32
    } -> tensor<1x64x56x56xf32>
    %30 = linalg.generic {indexing_maps = [#map1, #map3, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%29, %cst_2 : tensor<1x64x56x56xf32>, tensor<f32>) outs(%20 : tensor<1x64x56x56xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.cmpf ogt, %in, %in_46 : f32
      %119 = arith.select %118, %in, %in_46 : f32
      linalg.yield %119 : f32
    } -> tensor<1x64x56x56xf32>
    %31 = linalg.generic {indexing_maps = [#map3, #map1, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%cst_1, %30 : tensor<f32>, tensor<1x64x56x56xf32>) outs(%20 : tensor<1x64x56x56xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.cmpf olt, %in, %in_46 : f32
      %119 = arith.select %118, %in, %in_46 : f32
      linalg.yield %119 : f32
    } -> tensor<1x64x56x56xf32>
    %padded_31 = tensor.pad %31 low[0, 0, 1, 1] high[0, 0, 1, 1] {
    ^bb0(%arg1: index, %arg2: index, %arg3: index, %arg4: index):
      tensor.yield %cst : f32
    } : tensor<1x64x56x56xf32> to tensor<1x64x58x58xf32>
    %32 = tensor.empty() : tensor<1x64x28x28xf32>
    %33 = linalg.fill ins(%cst : f32) outs(%32 : tensor<1x64x28x28xf32>) -> tensor<1x64x28x28xf32>
    %34 = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%padded_31, %cst_26 : tensor<1x64x58x58xf32>, tensor<64x3x3xf32>) outs(%33 : tensor<1x64x28x28xf32>) -> tensor<1x64x28x28xf32>
    %35 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]} ins(%24 : tensor<64xf32>) outs(%23 : tensor<64xf32>) {
    ^bb0(%in: f32, %out: f32):
      %118 = arith.cmpf one, %in, %cst : f32
      cf.assert %118, "unimplemented: tensor with zero element"
      %119 = arith.divf %cst_0, %in : f32
      linalg.yield %119 : f32
    } -> tensor<64xf32>
    %expanded_32 = tensor.expand_shape %35 [[0, 1, 2]] output_shape [64, 1, 1] : tensor<64xf32> into tensor<64x1x1xf32>
    %36 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%34, %cst_14 : tensor<1x64x28x28xf32>, tensor<64x1x1xf32>) outs(%32 : tensor<1x64x28x28xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.subf %in, %in_46 : f32
      linalg.yield %118 : f32
    } -> tensor<1x64x28x28xf32>
    %37 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%36, %expanded_32 : tensor<1x64x28x28xf32>, tensor<64x1x1xf32>) outs(%32 : tensor<1x64x28x28xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.mulf %in, %in_46 : f32
      linalg.yield %118 : f32
    } -> tensor<1x64x28x28xf32>
    %38 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%37, %cst_13 : tensor<1x64x28x28xf32>, tensor<64x1x1xf32>) outs(%32 : tensor<1x64x28x28xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.mulf %in, %in_46 : f32
      linalg.yield %118 : f32
    } -> tensor<1x64x28x28xf32>
    %39 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%38, %cst_16 : tensor<1x64x28x28xf32>, tensor<64x1x1xf32>) outs(%32 : tensor<1x64x28x28xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.addf %in, %in_46 : f32
      linalg.yield %118 : f32
    } -> tensor<1x64x28x28xf32>
    %40 = linalg.generic {indexing_maps = [#map1, #map3, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%39, %cst_2 : tensor<1x64x28x28xf32>, tensor<f32>) outs(%32 : tensor<1x64x28x28xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.cmpf ogt, %in, %in_46 : f32
      %119 = arith.select %118, %in, %in_46 : f32
      linalg.yield %119 : f32
    } -> tensor<1x64x28x28xf32>
    %41 = linalg.generic {indexing_maps = [#map3, #map1, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%cst_1, %40 : tensor<f32>, tensor<1x64x28x28xf32>) outs(%32 : tensor<1x64x28x28xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.cmpf olt, %in, %in_46 : f32
      %119 = arith.select %118, %in, %in_46 : f32
      linalg.yield %119 : f32
    } -> tensor<1x64x28x28xf32>
    %__auto.constant_128_64_1_1_torch.float32 = util.global.load @__auto.constant_128_64_1_1_torch.float32 : tensor<128x64x1x1xf32>
    %42 = tensor.empty() : tensor<1x128x28x28xf32>
    %43 = linalg.fill ins(%cst : f32) outs(%42 : tensor<1x128x28x28xf32>) -> tensor<1x128x28x28xf32>
    %44 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%41, %__auto.constant_128_64_1_1_torch.float32 : tensor<1x64x28x28xf32>, tensor<128x64x1x1xf32>) outs(%43 : tensor<1x128x28x28xf32>) -> tensor<1x128x28x28xf32>
    %45 = tensor.empty() : tensor<128xf32>
    %46 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]} ins(%cst_12 : tensor<128xf32>) outs(%45 : tensor<128xf32>) {
    ^bb0(%in: f32, %out: f32):
      %118 = math.sqrt %in : f32
      linalg.yield %118 : f32
    } -> tensor<128xf32>
    %47 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]} ins(%46 : tensor<128xf32>) outs(%45 : tensor<128xf32>) {
    ^bb0(%in: f32, %out: f32):
      %118 = arith.cmpf one, %in, %cst : f32
      cf.assert %118, "unimplemented: tensor with zero element"
      %119 = arith.divf %cst_0, %in : f32
      linalg.yield %119 : f32
    } -> tensor<128xf32>
    %expanded_33 = tensor.expand_shape %47 [[0, 1, 2]] output_shape [128, 1, 1] : tensor<128xf32> into tensor<128x1x1xf32>
    %48 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%44, %cst_11 : tensor<1x128x28x28xf32>, tensor<128x1x1xf32>) outs(%42 : tensor<1x128x28x28xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.subf %in, %in_46 : f32
      linalg.yield %118 : f32
    } -> tensor<1x128x28x28xf32>
    %49 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%48, %expanded_33 : tensor<1x128x28x28xf32>, tensor<128x1x1xf32>) outs(%42 : tensor<1x128x28x28xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.mulf %in, %in_46 : f32
      linalg.yield %118 : f32
    } -> tensor<1x128x28x28xf32>
    %50 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%49, %cst_10 : tensor<1x128x28x28xf32>, tensor<128x1x1xf32>) outs(%42 : tensor<1x128x28x28xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.mulf %in, %in_46 : f32
      linalg.yield %118 : f32
    } -> tensor<1x128x28x28xf32>
    %51 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%50, %cst_9 : tensor<1x128x28x28xf32>, tensor<128x1x1xf32>) outs(%42 : tensor<1x128x28x28xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.addf %in, %in_46 : f32
      linalg.yield %118 : f32
    } -> tensor<1x128x28x28xf32>
    %52 = linalg.generic {indexing_maps = [#map1, #map3, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%51, %cst_2 : tensor<1x128x28x28xf32>, tensor<f32>) outs(%42 : tensor<1x128x28x28xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.cmpf ogt, %in, %in_46 : f32
      %119 = arith.select %118, %in, %in_46 : f32
      linalg.yield %119 : f32
    } -> tensor<1x128x28x28xf32>
    %53 = linalg.generic {indexing_maps = [#map3, #map1, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%cst_1, %52 : tensor<f32>, tensor<1x128x28x28xf32>) outs(%42 : tensor<1x128x28x28xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.cmpf olt, %in, %in_46 : f32
      %119 = arith.select %118, %in, %in_46 : f32
      linalg.yield %119 : f32
    } -> tensor<1x128x28x28xf32>
    %__auto.constant_128_1_3_3_torch.float32 = util.global.load @__auto.constant_128_1_3_3_torch.float32 : tensor<128x1x3x3xf32>
    %padded_34 = tensor.pad %53 low[0, 0, 1, 1] high[0, 0, 1, 1] {
    ^bb0(%arg1: index, %arg2: index, %arg3: index, %arg4: index):
      tensor.yield %cst : f32
    } : tensor<1x128x28x28xf32> to tensor<1x128x30x30xf32>
    %collapsed = tensor.collapse_shape %__auto.constant_128_1_3_3_torch.float32 [[0, 1], [2], [3]] : tensor<128x1x3x3xf32> into tensor<128x3x3xf32>
    %54 = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%padded_34, %collapsed : tensor<1x128x30x30xf32>, tensor<128x3x3xf32>) outs(%43 : tensor<1x128x28x28xf32>) -> tensor<1x128x28x28xf32>
    %55 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]} ins(%46 : tensor<128xf32>) outs(%45 : tensor<128xf32>) {
    ^bb0(%in: f32, %out: f32):
      %118 = arith.cmpf one, %in, %cst : f32
      cf.assert %118, "unimplemented: tensor with zero element"
      %119 = arith.divf %cst_0, %in : f32
      linalg.yield %119 : f32
    } -> tensor<128xf32>
    %expanded_35 = tensor.expand_shape %55 [[0, 1, 2]] output_shape [128, 1, 1] : tensor<128xf32> into tensor<128x1x1xf32>
    %56 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%54, %cst_9 : tensor<1x128x28x28xf32>, tensor<128x1x1xf32>) outs(%42 : tensor<1x128x28x28xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.subf %in, %in_46 : f32
      linalg.yield %118 : f32
    } -> tensor<1x128x28x28xf32>
    %57 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%56, %expanded_35 : tensor<1x128x28x28xf32>, tensor<128x1x1xf32>) outs(%42 : tensor<1x128x28x28xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.mulf %in, %in_46 : f32
      linalg.yield %118 : f32
    } -> tensor<1x128x28x28xf32>
    %58 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%57, %cst_8 : tensor<1x128x28x28xf32>, tensor<128x1x1xf32>) outs(%42 : tensor<1x128x28x28xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.mulf %in, %in_46 : f32
      linalg.yield %118 : f32
    } -> tensor<1x128x28x28xf32>
    %59 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%58, %cst_11 : tensor<1x128x28x28xf32>, tensor<128x1x1xf32>) outs(%42 : tensor<1x128x28x28xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.addf %in, %in_46 : f32
      linalg.yield %118 : f32
    } -> tensor<1x128x28x28xf32>
    %60 = linalg.generic {indexing_maps = [#map1, #map3, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%59, %cst_2 : tensor<1x128x28x28xf32>, tensor<f32>) outs(%42 : tensor<1x128x28x28xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.cmpf ogt, %in, %in_46 : f32
      %119 = arith.select %118, %in, %in_46 : f32
      linalg.yield %119 : f32
    } -> tensor<1x128x28x28xf32>
    %61 = linalg.generic {indexing_maps = [#map3, #map1, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%cst_1, %60 : tensor<f32>, tensor<1x128x28x28xf32>) outs(%42 : tensor<1x128x28x28xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.cmpf olt, %in, %in_46 : f32
      %119 = arith.select %118, %in, %in_46 : f32
      linalg.yield %119 : f32
    } -> tensor<1x128x28x28xf32>
    %__auto.constant_128_128_1_1_torch.float32 = util.global.load @__auto.constant_128_128_1_1_torch.float32 : tensor<128x128x1x1xf32>
    %62 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%61, %__auto.constant_128_128_1_1_torch.float32 : tensor<1x128x28x28xf32>, tensor<128x128x1x1xf32>) outs(%43 : tensor<1x128x28x28xf32>) -> tensor<1x128x28x28xf32>
    %63 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]} ins(%46 : tensor<128xf32>) outs(%45 : tensor<128xf32>) {
    ^bb0(%in: f32, %out: f32):
      %118 = arith.cmpf one, %in, %cst : f32
      cf.assert %118, "unimplemented: tensor with zero element"
      %119 = arith.divf %cst_0, %in : f32
      linalg.yield %119 : f32
    } -> tensor<128xf32>
    %expanded_36 = tensor.expand_shape %63 [[0, 1, 2]] output_shape [128, 1, 1] : tensor<128xf32> into tensor<128x1x1xf32>
    %64 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%62, %cst_11 : tensor<1x128x28x28xf32>, tensor<128x1x1xf32>) outs(%42 : tensor<1x128x28x28xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.subf %in, %in_46 : f32
      linalg.yield %118 : f32
    } -> tensor<1x128x28x28xf32>
    %65 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%64, %expanded_36 : tensor<1x128x28x28xf32>, tensor<128x1x1xf32>) outs(%42 : tensor<1x128x28x28xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.mulf %in, %in_46 : f32
      linalg.yield %118 : f32
    } -> tensor<1x128x28x28xf32>
    %66 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%65, %cst_10 : tensor<1x128x28x28xf32>, tensor<128x1x1xf32>) outs(%42 : tensor<1x128x28x28xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.mulf %in, %in_46 : f32
      linalg.yield %118 : f32
    } -> tensor<1x128x28x28xf32>
    %67 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%66, %cst_9 : tensor<1x128x28x28xf32>, tensor<128x1x1xf32>) outs(%42 : tensor<1x128x28x28xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.addf %in, %in_46 : f32
      linalg.yield %118 : f32
    } -> tensor<1x128x28x28xf32>
    %68 = linalg.generic {indexing_maps = [#map1, #map3, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%67, %cst_2 : tensor<1x128x28x28xf32>, tensor<f32>) outs(%42 : tensor<1x128x28x28xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.cmpf ogt, %in, %in_46 : f32
      %119 = arith.select %118, %in, %in_46 : f32
      linalg.yield %119 : f32
    } -> tensor<1x128x28x28xf32>
    %69 = linalg.generic {indexing_maps = [#map3, #map1, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%cst_1, %68 : tensor<f32>, tensor<1x128x28x28xf32>) outs(%42 : tensor<1x128x28x28xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.cmpf olt, %in, %in_46 : f32
      %119 = arith.select %118, %in, %in_46 : f32
      linalg.yield %119 : f32
    } -> tensor<1x128x28x28xf32>
    %__auto.constant_128_1_3_3_torch.float32$1 = util.global.load @__auto.constant_128_1_3_3_torch.float32$1 : tensor<128x1x3x3xf32>
    %padded_37 = tensor.pad %69 low[0, 0, 1, 1] high[0, 0, 1, 1] {
    ^bb0(%arg1: index, %arg2: index, %arg3: index, %arg4: index):
      tensor.yield %cst : f32
    } : tensor<1x128x28x28xf32> to tensor<1x128x30x30xf32>
    %70 = tensor.empty() : tensor<1x128x14x14xf32>
    %71 = linalg.fill ins(%cst : f32) outs(%70 : tensor<1x128x14x14xf32>) -> tensor<1x128x14x14xf32>
    %collapsed_38 = tensor.collapse_shape %__auto.constant_128_1_3_3_torch.float32$1 [[0, 1], [2], [3]] : tensor<128x1x3x3xf32> into tensor<128x3x3xf32>
    %72 = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%padded_37, %collapsed_38 : tensor<1x128x30x30xf32>, tensor<128x3x3xf32>) outs(%71 : tensor<1x128x14x14xf32>) -> tensor<1x128x14x14xf32>
    %73 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]} ins(%46 : tensor<128xf32>) outs(%45 : tensor<128xf32>) {
    ^bb0(%in: f32, %out: f32):
      %118 = arith.cmpf one, %in, %cst : f32
      cf.assert %118, "unimplemented: tensor with zero element"
      %119 = arith.divf %cst_0, %in : f32
      linalg.yield %119 : f32
    } -> tensor<128xf32>
    %expanded_39 = tensor.expand_shape %73 [[0, 1, 2]] output_shape [128, 1, 1] : tensor<128xf32> into tensor<128x1x1xf32>
    %74 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%72, %cst_9 : tensor<1x128x14x14xf32>, tensor<128x1x1xf32>) outs(%70 : tensor<1x128x14x14xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.subf %in, %in_46 : f32
      linalg.yield %118 : f32
    } -> tensor<1x128x14x14xf32>
    %75 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%74, %expanded_39 : tensor<1x128x14x14xf32>, tensor<128x1x1xf32>) outs(%70 : tensor<1x128x14x14xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.mulf %in, %in_46 : f32
      linalg.yield %118 : f32
    } -> tensor<1x128x14x14xf32>
    %76 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%75, %cst_8 : tensor<1x128x14x14xf32>, tensor<128x1x1xf32>) outs(%70 : tensor<1x128x14x14xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.mulf %in, %in_46 : f32
      linalg.yield %118 : f32
    } -> tensor<1x128x14x14xf32>
    %77 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%76, %cst_11 : tensor<1x128x14x14xf32>, tensor<128x1x1xf32>) outs(%70 : tensor<1x128x14x14xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.addf %in, %in_46 : f32
      linalg.yield %118 : f32
    } -> tensor<1x128x14x14xf32>
    %78 = linalg.generic {indexing_maps = [#map1, #map3, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%77, %cst_2 : tensor<1x128x14x14xf32>, tensor<f32>) outs(%70 : tensor<1x128x14x14xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.cmpf ogt, %in, %in_46 : f32
      %119 = arith.select %118, %in, %in_46 : f32
      linalg.yield %119 : f32
    } -> tensor<1x128x14x14xf32>
    %79 = linalg.generic {indexing_maps = [#map3, #map1, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%cst_1, %78 : tensor<f32>, tensor<1x128x14x14xf32>) outs(%70 : tensor<1x128x14x14xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.cmpf olt, %in, %in_46 : f32
      %119 = arith.select %118, %in, %in_46 : f32
      linalg.yield %119 : f32
    } -> tensor<1x128x14x14xf32>
    %__auto.constant_256_128_1_1_torch.float32 = util.global.load @__auto.constant_256_128_1_1_torch.float32 : tensor<256x128x1x1xf32>
    %80 = tensor.empty() : tensor<1x256x14x14xf32>
    %81 = linalg.fill ins(%cst : f32) outs(%80 : tensor<1x256x14x14xf32>) -> tensor<1x256x14x14xf32>
    %82 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%79, %__auto.constant_256_128_1_1_torch.float32 : tensor<1x128x14x14xf32>, tensor<256x128x1x1xf32>) outs(%81 : tensor<1x256x14x14xf32>) -> tensor<1x256x14x14xf32>
    %83 = tensor.empty() : tensor<256xf32>
    %84 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]} ins(%cst_7 : tensor<256xf32>) outs(%83 : tensor<256xf32>) {
    ^bb0(%in: f32, %out: f32):
      %118 = math.sqrt %in : f32
      linalg.yield %118 : f32
    } -> tensor<256xf32>
    %85 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]} ins(%84 : tensor<256xf32>) outs(%83 : tensor<256xf32>) {
    ^bb0(%in: f32, %out: f32):
      %118 = arith.cmpf one, %in, %cst : f32
      cf.assert %118, "unimplemented: tensor with zero element"
      %119 = arith.divf %cst_0, %in : f32
      linalg.yield %119 : f32
    } -> tensor<256xf32>
    %expanded_40 = tensor.expand_shape %85 [[0, 1, 2]] output_shape [256, 1, 1] : tensor<256xf32> into tensor<256x1x1xf32>
    %86 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%82, %cst_6 : tensor<1x256x14x14xf32>, tensor<256x1x1xf32>) outs(%80 : tensor<1x256x14x14xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.subf %in, %in_46 : f32
      linalg.yield %118 : f32
    } -> tensor<1x256x14x14xf32>
    %87 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%86, %expanded_40 : tensor<1x256x14x14xf32>, tensor<256x1x1xf32>) outs(%80 : tensor<1x256x14x14xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.mulf %in, %in_46 : f32
      linalg.yield %118 : f32
    } -> tensor<1x256x14x14xf32>
    %88 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%87, %cst_5 : tensor<1x256x14x14xf32>, tensor<256x1x1xf32>) outs(%80 : tensor<1x256x14x14xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.mulf %in, %in_46 : f32
      linalg.yield %118 : f32
    } -> tensor<1x256x14x14xf32>
    %89 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%88, %cst_4 : tensor<1x256x14x14xf32>, tensor<256x1x1xf32>) outs(%80 : tensor<1x256x14x14xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.addf %in, %in_46 : f32
      linalg.yield %118 : f32
    } -> tensor<1x256x14x14xf32>
    %90 = linalg.generic {indexing_maps = [#map1, #map3, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%89, %cst_2 : tensor<1x256x14x14xf32>, tensor<f32>) outs(%80 : tensor<1x256x14x14xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.cmpf ogt, %in, %in_46 : f32
      %119 = arith.select %118, %in, %in_46 : f32
      linalg.yield %119 : f32
    } -> tensor<1x256x14x14xf32>
    %91 = linalg.generic {indexing_maps = [#map3, #map1, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%cst_1, %90 : tensor<f32>, tensor<1x256x14x14xf32>) outs(%80 : tensor<1x256x14x14xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.cmpf olt, %in, %in_46 : f32
      %119 = arith.select %118, %in, %in_46 : f32
      linalg.yield %119 : f32
    } -> tensor<1x256x14x14xf32>
    %__auto.constant_256_1_3_3_torch.float32 = util.global.load @__auto.constant_256_1_3_3_torch.float32 : tensor<256x1x3x3xf32>
    %padded_41 = tensor.pad %91 low[0, 0, 1, 1] high[0, 0, 1, 1] {
    ^bb0(%arg1: index, %arg2: index, %arg3: index, %arg4: index):
      tensor.yield %cst : f32
    } : tensor<1x256x14x14xf32> to tensor<1x256x16x16xf32>
    %collapsed_42 = tensor.collapse_shape %__auto.constant_256_1_3_3_torch.float32 [[0, 1], [2], [3]] : tensor<256x1x3x3xf32> into tensor<256x3x3xf32>
    %92 = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%padded_41, %collapsed_42 : tensor<1x256x16x16xf32>, tensor<256x3x3xf32>) outs(%81 : tensor<1x256x14x14xf32>) -> tensor<1x256x14x14xf32>
    %93 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]} ins(%84 : tensor<256xf32>) outs(%83 : tensor<256xf32>) {
    ^bb0(%in: f32, %out: f32):
      %118 = arith.cmpf one, %in, %cst : f32
      cf.assert %118, "unimplemented: tensor with zero element"
      %119 = arith.divf %cst_0, %in : f32
      linalg.yield %119 : f32
    } -> tensor<256xf32>
    %expanded_43 = tensor.expand_shape %93 [[0, 1, 2]] output_shape [256, 1, 1] : tensor<256xf32> into tensor<256x1x1xf32>
    %94 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%92, %cst_4 : tensor<1x256x14x14xf32>, tensor<256x1x1xf32>) outs(%80 : tensor<1x256x14x14xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.subf %in, %in_46 : f32
      linalg.yield %118 : f32
    } -> tensor<1x256x14x14xf32>
    %95 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%94, %expanded_43 : tensor<1x256x14x14xf32>, tensor<256x1x1xf32>) outs(%80 : tensor<1x256x14x14xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.mulf %in, %in_46 : f32
      linalg.yield %118 : f32
    } -> tensor<1x256x14x14xf32>
    %96 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%95, %cst_3 : tensor<1x256x14x14xf32>, tensor<256x1x1xf32>) outs(%80 : tensor<1x256x14x14xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.mulf %in, %in_46 : f32
      linalg.yield %118 : f32
    } -> tensor<1x256x14x14xf32>
    %97 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%96, %cst_6 : tensor<1x256x14x14xf32>, tensor<256x1x1xf32>) outs(%80 : tensor<1x256x14x14xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.addf %in, %in_46 : f32
      linalg.yield %118 : f32
    } -> tensor<1x256x14x14xf32>
    %98 = linalg.generic {indexing_maps = [#map1, #map3, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%97, %cst_2 : tensor<1x256x14x14xf32>, tensor<f32>) outs(%80 : tensor<1x256x14x14xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.cmpf ogt, %in, %in_46 : f32
      %119 = arith.select %118, %in, %in_46 : f32
      linalg.yield %119 : f32
    } -> tensor<1x256x14x14xf32>
    %99 = linalg.generic {indexing_maps = [#map3, #map1, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%cst_1, %98 : tensor<f32>, tensor<1x256x14x14xf32>) outs(%80 : tensor<1x256x14x14xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.cmpf olt, %in, %in_46 : f32
      %119 = arith.select %118, %in, %in_46 : f32
      linalg.yield %119 : f32
    } -> tensor<1x256x14x14xf32>
    %__auto.constant_256_256_1_1_torch.float32 = util.global.load @__auto.constant_256_256_1_1_torch.float32 : tensor<256x256x1x1xf32>
    %100 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%99, %__auto.constant_256_256_1_1_torch.float32 : tensor<1x256x14x14xf32>, tensor<256x256x1x1xf32>) outs(%81 : tensor<1x256x14x14xf32>) -> tensor<1x256x14x14xf32>
    %101 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]} ins(%84 : tensor<256xf32>) outs(%83 : tensor<256xf32>) {
    ^bb0(%in: f32, %out: f32):
      %118 = arith.cmpf one, %in, %cst : f32
      cf.assert %118, "unimplemented: tensor with zero element"
      %119 = arith.divf %cst_0, %in : f32
      linalg.yield %119 : f32
    } -> tensor<256xf32>
    %expanded_44 = tensor.expand_shape %101 [[0, 1, 2]] output_shape [256, 1, 1] : tensor<256xf32> into tensor<256x1x1xf32>
    %102 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%100, %cst_6 : tensor<1x256x14x14xf32>, tensor<256x1x1xf32>) outs(%80 : tensor<1x256x14x14xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.subf %in, %in_46 : f32
      linalg.yield %118 : f32
    } -> tensor<1x256x14x14xf32>
    %103 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%102, %expanded_44 : tensor<1x256x14x14xf32>, tensor<256x1x1xf32>) outs(%80 : tensor<1x256x14x14xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.mulf %in, %in_46 : f32
      linalg.yield %118 : f32
    } -> tensor<1x256x14x14xf32>
    %104 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%103, %cst_5 : tensor<1x256x14x14xf32>, tensor<256x1x1xf32>) outs(%80 : tensor<1x256x14x14xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.mulf %in, %in_46 : f32
      linalg.yield %118 : f32
    } -> tensor<1x256x14x14xf32>
    %105 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%104, %cst_4 : tensor<1x256x14x14xf32>, tensor<256x1x1xf32>) outs(%80 : tensor<1x256x14x14xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.addf %in, %in_46 : f32
      linalg.yield %118 : f32
    } -> tensor<1x256x14x14xf32>
    %106 = linalg.generic {indexing_maps = [#map1, #map3, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%105, %cst_2 : tensor<1x256x14x14xf32>, tensor<f32>) outs(%80 : tensor<1x256x14x14xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.cmpf ogt, %in, %in_46 : f32
      %119 = arith.select %118, %in, %in_46 : f32
      linalg.yield %119 : f32
    } -> tensor<1x256x14x14xf32>
    %107 = linalg.generic {indexing_maps = [#map3, #map1, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%cst_1, %106 : tensor<f32>, tensor<1x256x14x14xf32>) outs(%80 : tensor<1x256x14x14xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.cmpf olt, %in, %in_46 : f32
      %119 = arith.select %118, %in, %in_46 : f32
      linalg.yield %119 : f32
    } -> tensor<1x256x14x14xf32>
    %108 = tensor.empty() : tensor<1x256x1x1xf32>
    %109 = linalg.fill ins(%cst : f32) outs(%108 : tensor<1x256x1x1xf32>) -> tensor<1x256x1x1xf32>
    %110 = tensor.empty() : tensor<14x14xf32>
    %111 = linalg.pooling_nchw_sum {dilations = dense<1> : vector<2xi64>, strides = dense<14> : vector<2xi64>} ins(%107, %110 : tensor<1x256x14x14xf32>, tensor<14x14xf32>) outs(%109 : tensor<1x256x1x1xf32>) -> tensor<1x256x1x1xf32>
    %112 = linalg.generic {indexing_maps = [#map1, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%111 : tensor<1x256x1x1xf32>) outs(%108 : tensor<1x256x1x1xf32>) {
    ^bb0(%in: f32, %out: f32):
      %118 = arith.divf %in, %cst_27 : f32
      linalg.yield %118 : f32
    } -> tensor<1x256x1x1xf32>
    %collapsed_45 = tensor.collapse_shape %112 [[0], [1, 2, 3]] : tensor<1x256x1x1xf32> into tensor<1x256xf32>
    %__auto.constant_10_256_torch.float32 = util.global.load @__auto.constant_10_256_torch.float32 : tensor<10x256xf32>
    %113 = tensor.empty() : tensor<256x10xf32>
    %transposed = linalg.transpose ins(%__auto.constant_10_256_torch.float32 : tensor<10x256xf32>) outs(%113 : tensor<256x10xf32>) permutation = [1, 0] 
    %114 = tensor.empty() : tensor<1x10xf32>
    %115 = linalg.fill ins(%cst : f32) outs(%114 : tensor<1x10xf32>) -> tensor<1x10xf32>
    %116 = linalg.matmul ins(%collapsed_45, %transposed : tensor<1x256xf32>, tensor<256x10xf32>) outs(%115 : tensor<1x10xf32>) -> tensor<1x10xf32>
    %117 = linalg.generic {indexing_maps = [#map4, #map5, #map4], iterator_types = ["parallel", "parallel"]} ins(%116, %cst_23 : tensor<1x10xf32>, tensor<10xf32>) outs(%114 : tensor<1x10xf32>) {
    ^bb0(%in: f32, %in_46: f32, %out: f32):
      %118 = arith.addf %in, %in_46 : f32
      linalg.yield %118 : f32
    } -> tensor<1x10xf32>
    return %117 : tensor<1x10xf32>
  }
}

