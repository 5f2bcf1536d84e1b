// litecoop-mlir model zoo: resnet_nchw, exported from PyTorch 2.13.0+cpu by tools/export_zoo.py
// (iree-turbine aot.export, then IREE's torch input passes to linalg on tensors);
// weights are one value per tensor (splats): regenerate with that script.
#map = affine_map<(d0) -> (d0)>
#map1 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#map2 = affine_map<(d0, d1, d2, d3) -> (d1, 0, 0)>
#map3 = affine_map<(d0, d1) -> (d0, d1)>
#map4 = affine_map<(d0, d1) -> (d1)>
module @module {
  util.global private @__auto.constant_32_32_3_3_torch.float32 = dense<-0.00347222225> : tensor<32x32x3x3xf32>
  util.global private @__auto.constant_32_32_3_3_torch.float32$1 = dense<0.00347222225> : tensor<32x32x3x3xf32>
  util.global private @__auto.constant_64_32_3_3_torch.float32 = dense<-0.00347222225> : tensor<64x32x3x3xf32>
  util.global private @__auto.constant_64_64_3_3_torch.float32 = dense<0.00173611112> : tensor<64x64x3x3xf32>
  util.global private @__auto.constant_64_32_1_1_torch.float32 = dense<-3.125000e-02> : tensor<64x32x1x1xf32>
  util.global private @__auto.constant_64_64_3_3_torch.float32$1 = dense<0.00173611112> : tensor<64x64x3x3xf32>
  util.global private @__auto.constant_64_64_3_3_torch.float32$2 = dense<-0.00173611112> : tensor<64x64x3x3xf32>
  util.global private @__auto.constant_128_64_3_3_torch.float32 = dense<0.00173611112> : tensor<128x64x3x3xf32>
  util.global private @__auto.constant_128_128_3_3_torch.float32 = dense<-8.68055562E-4> : tensor<128x128x3x3xf32>
  util.global private @__auto.constant_128_64_1_1_torch.float32 = dense<1.562500e-02> : tensor<128x64x1x1xf32>
  util.global private @__auto.constant_10_128_torch.float32 = dense<-7.812500e-03> : tensor<10x128xf32>
  func.func @main(%arg0: tensor<1x3x112x112xf32>) -> tensor<1x10xf32> {
    %cst = arith.constant 0.000000e+00 : f32
    %cst_0 = arith.constant 1.000000e+00 : f32
    %cst_1 = arith.constant dense<-7.812500e-03> : tensor<128x1x1xf32>
    %cst_2 = arith.constant dense<0.00999999977> : tensor<128x1x1xf32>
    %cst_3 = arith.constant dense<1.000000e+00> : tensor<128x1x1xf32>
    %cst_4 = arith.constant dense<-0.00999999977> : tensor<128x1x1xf32>
    %cst_5 = arith.constant dense<1.000010e+00> : tensor<128xf32>
    %cst_6 = arith.constant dense<1.562500e-02> : tensor<64x1x1xf32>
    %cst_7 = arith.constant dense<-0.00999999977> : tensor<64x1x1xf32>
    %cst_8 = arith.constant dense<1.000000e+00> : tensor<64x1x1xf32>
    %cst_9 = arith.constant dense<0.00999999977> : tensor<64x1x1xf32>
    %cst_10 = arith.constant dense<1.000010e+00> : tensor<64xf32>
    %cst_11 = arith.constant dense<1.000000e+00> : tensor<32x1x1xf32>
    %cst_12 = arith.constant dense<0.00999999977> : tensor<32x1x1xf32>
    %cst_13 = arith.constant dense<-3.125000e-02> : tensor<32x1x1xf32>
    %cst_14 = arith.constant dense<-0.00999999977> : tensor<32x1x1xf32>
    %cst_15 = arith.constant dense<1.000010e+00> : tensor<32xf32>
    %cst_16 = arith.constant dense<0.00999999977> : tensor<10xf32>
    %cst_17 = arith.constant dense<0.0370370373> : tensor<32x3x3x3xf32>
    %cst_18 = arith.constant 1.960000e+02 : f32
    %padded = tensor.pad %arg0 low[0, 0, 1, 1] high[0, 0, 1, 1] {
    ^bb0(%arg1: index, %arg2: index, %arg3: index, %arg4: index):
      tensor.yield %cst : f32
    } : tensor<1x3x112x112xf32> to tensor<1x3x114x114xf32>
    %0 = tensor.empty() : tensor<1x32x56x56xf32>
    %1 = linalg.fill ins(%cst : f32) outs(%0 : tensor<1x32x56x56xf32>) -> tensor<1x32x56x56xf32>
    %2 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%padded, %cst_17 : tensor<1x3x114x114xf32>, tensor<32x3x3x3xf32>) outs(%1 : tensor<1x32x56x56xf32>) -> tensor<1x32x56x56xf32>
    %3 = tensor.empty() : tensor<32xf32>
    %4 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]} ins(%cst_15 : tensor<32xf32>) outs(%3 : tensor<32xf32>) {
    ^bb0(%in: f32, %out: f32):
      %101 = math.sqrt %in : f32
      linalg.yield %101 : f32
    } -> tensor<32xf32>
    %5 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]} ins(%4 : tensor<32xf32>) outs(%3 : tensor<32xf32>) {
    ^bb0(%in: f32, %out: f32):
      %101 = arith.cmpf one, %in, %cst : f32
      cf.assert %101, "unimplemented: tensor with zero element"
      %102 = arith.divf %cst_0, %in : f32
      linalg.yield %102 : f32
    } -> tensor<32xf32>
    %expanded = tensor.expand_shape %5 [[0, 1, 2]] output_shape [32, 1, 1] : tensor<32xf32> into tensor<32x1x1xf32>
    %6 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%2, %cst_14 : tensor<1x32x56x56xf32>, tensor<32x1x1xf32>) outs(%0 : tensor<1x32x56x56xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.subf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x32x56x56xf32>
    %7 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%6, %expanded : tensor<1x32x56x56xf32>, tensor<32x1x1xf32>) outs(%0 : tensor<1x32x56x56xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.mulf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x32x56x56xf32>
    %8 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%7, %cst_13 : tensor<1x32x56x56xf32>, tensor<32x1x1xf32>) outs(%0 : tensor<1x32x56x56xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.mulf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x32x56x56xf32>
    %9 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%8, %cst_12 : tensor<1x32x56x56xf32>, tensor<32x1x1xf32>) outs(%0 : tensor<1x32x56x56xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.addf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x32x56x56xf32>
    %10 = linalg.generic {indexing_maps = [#map1, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%9 : tensor<1x32x56x56xf32>) outs(%0 : tensor<1x32x56x56xf32>) {
    ^bb0(%in: f32, %out: f32):
      %101 = arith.cmpf ugt, %in, %cst : f32
      %102 = arith.select %101, %in, %cst : f32
      linalg.yield %102 : f32
    } -> tensor<1x32x56x56xf32>
    %__auto.constant_32_32_3_3_torch.float32 = util.global.load @__auto.constant_32_32_3_3_torch.float32 : tensor<32x32x3x3xf32>
    %padded_19 = tensor.pad %10 low[0, 0, 1, 1] high[0, 0, 1, 1] {
    ^bb0(%arg1: index, %arg2: index, %arg3: index, %arg4: index):
      tensor.yield %cst : f32
    } : tensor<1x32x56x56xf32> to tensor<1x32x58x58xf32>
    %11 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%padded_19, %__auto.constant_32_32_3_3_torch.float32 : tensor<1x32x58x58xf32>, tensor<32x32x3x3xf32>) outs(%1 : tensor<1x32x56x56xf32>) -> tensor<1x32x56x56xf32>
    %12 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]} ins(%4 : tensor<32xf32>) outs(%3 : tensor<32xf32>) {
    ^bb0(%in: f32, %out: f32):
      %101 = arith.cmpf one, %in, %cst : f32
      cf.assert %101, "unimplemented: tensor with zero element"
      %102 = arith.divf %cst_0, %in : f32
      linalg.yield %102 : f32
    } -> tensor<32xf32>
    %expanded_20 = tensor.expand_shape %12 [[0, 1, 2]] output_shape [32, 1, 1] : tensor<32xf32> into tensor<32x1x1xf32>
    %13 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%11, %cst_12 : tensor<1x32x56x56xf32>, tensor<32x1x1xf32>) outs(%0 : tensor<1x32x56x56xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.subf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x32x56x56xf32>
    %14 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%13, %expanded_20 : tensor<1x32x56x56xf32>, tensor<32x1x1xf32>) outs(%0 : tensor<1x32x56x56xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.mulf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x32x56x56xf32>
    %15 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%14, %cst_11 : tensor<1x32x56x56xf32>, tensor<32x1x1xf32>) outs(%0 : tensor<1x32x56x56xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.mulf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x32x56x56xf32>
    %16 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%15, %cst_14 : tensor<1x32x56x56xf32>, tensor<32x1x1xf32>) outs(%0 : tensor<1x32x56x56xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.addf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x32x56x56xf32>
    %17 = linalg.generic {indexing_maps = [#map1, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%16 : tensor<1x32x56x56xf32>) outs(%0 : tensor<1x32x56x56xf32>) {
    ^bb0(%in: f32, %out: f32):
      %101 = arith.cmpf ugt, %in, %cst : f32
      %102 = arith.select %101, %in, %cst : f32
      linalg.yield %102 : f32
    } -> tensor<1x32x56x56xf32>
    %__auto.constant_32_32_3_3_torch.float32$1 = util.global.load @__auto.constant_32_32_3_3_torch.float32$1 : tensor<32x32x3x3xf32>
    %padded_21 = tensor.pad %17 low[0, 0, 1, 1] high[0, 0, 1, 1] {
    ^bb0(%arg1: index, %arg2: index, %arg3: index, %arg4: index):
      tensor.yield %cst : f32
    } : tensor<1x32x56x56xf32> to tensor<1x32x58x58xf32>
    %18 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%padded_21, %__auto.constant_32_32_3_3_torch.float32$1 : tensor<1x32x58x58xf32>, tensor<32x32x3x3xf32>) outs(%1 : tensor<1x32x56x56xf32>) -> tensor<1x32x56x56xf32>
    %19 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]} ins(%4 : tensor<32xf32>) outs(%3 : tensor<32xf32>) {
    ^bb0(%in: f32, %out: f32):
      %101 = arith.cmpf one, %in, %cst : f32
      cf.assert %101, "unimplemented: tensor with zero element"
      %102 = arith.divf %cst_0, %in : f32
      linalg.yield %102 : f32
    } -> tensor<32xf32>
    %expanded_22 = tensor.expand_shape %19 [[0, 1, 2]] output_shape [32, 1, 1] : tensor<32xf32> into tensor<32x1x1xf32>
    %20 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%18, %cst_14 : tensor<1x32x56x56xf32>, tensor<32x1x1xf32>) outs(%0 : tensor<1x32x56x56xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.subf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x32x56x56xf32>
    %21 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%20, %expanded_22 : tensor<1x32x56x56xf32>, tensor<32x1x1xf32>) outs(%0 : tensor<1x32x56x56xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.mulf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x32x56x56xf32>
    %22 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%21, %cst_11 : tensor<1x32x56x56xf32>, tensor<32x1x1xf32>) outs(%0 : tensor<1x32x56x56xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.mulf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x32x56x56xf32>
    %23 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%22, %cst_12 : tensor<1x32x56x56xf32>, tensor<32x1x1xf32>) outs(%0 : tensor<1x32x56x56xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.addf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x32x56x56xf32>
    %24 = linalg.generic {indexing_maps = [#map1, #map1, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%23, %10 : tensor<1x32x56x56xf32>, tensor<1x32x56x56xf32>) outs(%0 : tensor<1x32x56x56xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.addf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x32x56x56xf32>
    %25 = linalg.generic {indexing_maps = [#map1, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%24 : tensor<1x32x56x56xf32>) outs(%0 : tensor<1x32x56x56xf32>) {
    ^bb0(%in: f32, %out: f32):
      %101 = arith.cmpf ugt, %in, %cst : f32
      %102 = arith.select %101, %in, %cst : f32
      linalg.yield %102 : f32
    } -> tensor<1x32x56x56xf32>
    %__auto.constant_64_32_3_3_torch.float32 = util.global.load @__auto.constant_64_32_3_3_torch.float32 : tensor<64x32x3x3xf32>
    %padded_23 = tensor.pad %25 low[0, 0, 1, 1] high[0, 0, 1, 1] {
    ^bb0(%arg1: index, %arg2: index, %arg3: index, %arg4: index):
      tensor.yield %cst : f32
    } : tensor<1x32x56x56xf32> to tensor<1x32x58x58xf32>
    %26 = tensor.empty() : tensor<1x64x28x28xf32>
    %27 = linalg.fill ins(%cst : f32) outs(%26 : tensor<1x64x28x28xf32>) -> tensor<1x64x28x28xf32>
    %28 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%padded_23, %__auto.constant_64_32_3_3_torch.float32 : tensor<1x32x58x58xf32>, tensor<64x32x3x3xf32>) outs(%27 : tensor<1x64x28x28xf32>) -> tensor<1x64x28x28xf32>
    %29 = tensor.empty() : tensor<64xf32>
    %30 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]} ins(%cst_10 : tensor<64xf32>) outs(%29 : tensor<64xf32>) {
    ^bb0(%in: f32, %out: f32):
      %101 = math.sqrt %in : f32
      linalg.yield %101 : f32
    } -> tensor<64xf32>
    %31 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]} ins(%30 : tensor<64xf32>) outs(%29 : tensor<64xf32>) {
    ^bb0(%in: f32, %out: f32):
      %101 = arith.cmpf one, %in, %cst : f32
      cf.assert %101, "unimplemented: tensor with zero element"
      %102 = arith.divf %cst_0, %in : f32
      linalg.yield %102 : f32
    } -> tensor<64xf32>
    %expanded_24 = tensor.expand_shape %31 [[0, 1, 2]] output_shape [64, 1, 1] : tensor<64xf32> into tensor<64x1x1xf32>
    %32 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%28, %cst_9 : tensor<1x64x28x28xf32>, tensor<64x1x1xf32>) outs(%26 : tensor<1x64x28x28xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.subf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x64x28x28xf32>
    %33 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%32, %expanded_24 : tensor<1x64x28x28xf32>, tensor<64x1x1xf32>) outs(%26 : tensor<1x64x28x28xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.mulf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x64x28x28xf32>
    %34 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%33, %cst_8 : tensor<1x64x28x28xf32>, tensor<64x1x1xf32>) outs(%26 : tensor<1x64x28x28xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.mulf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x64x28x28xf32>
    %35 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%34, %cst_7 : tensor<1x64x28x28xf32>, tensor<64x1x1xf32>) outs(%26 : tensor<1x64x28x28xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.addf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x64x28x28xf32>
    %36 = linalg.generic {indexing_maps = [#map1, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%35 : tensor<1x64x28x28xf32>) outs(%26 : tensor<1x64x28x28xf32>) {
    ^bb0(%in: f32, %out: f32):
      %101 = arith.cmpf ugt, %in, %cst : f32
      %102 = arith.select %101, %in, %cst : f32
      linalg.yield %102 : f32
    } -> tensor<1x64x28x28xf32>
    %__auto.constant_64_64_3_3_torch.float32 = util.global.load @__auto.constant_64_64_3_3_torch.float32 : tensor<64x64x3x3xf32>
    %padded_25 = tensor.pad %36 low[0, 0, 1, 1] high[0, 0, 1, 1] {
    ^bb0(%arg1: index, %arg2: index, %arg3: index, %arg4: index):
      tensor.yield %cst : f32
    } : tensor<1x64x28x28xf32> to tensor<1x64x30x30xf32>
    %37 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%padded_25, %__auto.constant_64_64_3_3_torch.float32 : tensor<1x64x30x30xf32>, tensor<64x64x3x3xf32>) outs(%27 : tensor<1x64x28x28xf32>) -> tensor<1x64x28x28xf32>
    %38 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]} ins(%30 : tensor<64xf32>) outs(%29 : tensor<64xf32>) {
    ^bb0(%in: f32, %out: f32):
      %101 = arith.cmpf one, %in, %cst : f32
      cf.assert %101, "unimplemented: tensor with zero element"
      %102 = arith.divf %cst_0, %in : f32
      linalg.yield %102 : f32
    } -> tensor<64xf32>
    %expanded_26 = tensor.expand_shape %38 [[0, 1, 2]] output_shape [64, 1, 1] : tensor<64xf32> into tensor<64x1x1xf32>
    %39 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%37, %cst_7 : tensor<1x64x28x28xf32>, tensor<64x1x1xf32>) outs(%26 : tensor<1x64x28x28xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.subf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x64x28x28xf32>
    %40 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%39, %expanded_26 : tensor<1x64x28x28xf32>, tensor<64x1x1xf32>) outs(%26 : tensor<1x64x28x28xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.mulf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x64x28x28xf32>
    %41 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%40, %cst_8 : tensor<1x64x28x28xf32>, tensor<64x1x1xf32>) outs(%26 : tensor<1x64x28x28xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.mulf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x64x28x28xf32>
    %42 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%41, %cst_9 : tensor<1x64x28x28xf32>, tensor<64x1x1xf32>) outs(%26 : tensor<1x64x28x28xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.addf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x64x28x28xf32>
    %__auto.constant_64_32_1_1_torch.float32 = util.global.load @__auto.constant_64_32_1_1_torch.float32 : tensor<64x32x1x1xf32>
    %43 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%25, %__auto.constant_64_32_1_1_torch.float32 : tensor<1x32x56x56xf32>, tensor<64x32x1x1xf32>) outs(%27 : tensor<1x64x28x28xf32>) -> tensor<1x64x28x28xf32>
    %44 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]} ins(%30 : tensor<64xf32>) outs(%29 : tensor<64xf32>) {
    ^bb0(%in: f32, %out: f32):
      %101 = arith.cmpf one, %in, %cst : f32
      cf.assert %101, "unimplemented: tensor with zero element"
      %102 = arith.divf %cst_0, %in : f32
      linalg.yield %102 : f32
    } -> tensor<64xf32>
    %expanded_27 = tensor.expand_shape %44 [[0, 1, 2]] output_shape [64, 1, 1] : tensor<64xf32> into tensor<64x1x1xf32>
    %45 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%43, %cst_9 : tensor<1x64x28x28xf32>, tensor<64x1x1xf32>) outs(%26 : tensor<1x64x28x28xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.subf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x64x28x28xf32>
    %46 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%45, %expanded_27 : tensor<1x64x28x28xf32>, tensor<64x1x1xf32>) outs(%26 : tensor<1x64x28x28xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.mulf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x64x28x28xf32>
    %47 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%46, %cst_6 : tensor<1x64x28x28xf32>, tensor<64x1x1xf32>) outs(%26 : tensor<1x64x28x28xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.mulf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x64x28x28xf32>
    %48 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%47, %cst_7 : tensor<1x64x28x28xf32>, tensor<64x1x1xf32>) outs(%26 : tensor<1x64x28x28xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.addf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x64x28x28xf32>
    %49 = linalg.generic {indexing_maps = [#map1, #map1, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%42, %48 : tensor<1x64x28x28xf32>, tensor<1x64x28x28xf32>) outs(%26 : tensor<1x64x28x28xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.addf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x64x28x28xf32>
    %50 = linalg.generic {indexing_maps = [#map1, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%49 : tensor<1x64x28x28xf32>) outs(%26 : tensor<1x64x28x28xf32>) {
    ^bb0(%in: f32, %out: f32):
      %101 = arith.cmpf ugt, %in, %cst : f32
      %102 = arith.select %101, %in, %cst : f32
      linalg.yield %102 : f32
    } -> tensor<1x64x28x28xf32>
    %__auto.constant_64_64_3_3_torch.float32$1 = util.global.load @__auto.constant_64_64_3_3_torch.float32$1 : tensor<64x64x3x3xf32>
    %padded_28 = tensor.pad %50 low[0, 0, 1, 1] high[0, 0, 1, 1] {
    ^bb0(%arg1: index, %arg2: index, %arg3: index, %arg4: index):
      tensor.yield %cst : f32
    } : tensor<1x64x28x28xf32> to tensor<1x64x30x30xf32>
    %51 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%padded_28, %__auto.constant_64_64_3_3_torch.float32$1 : tensor<1x64x30x30xf32>, tensor<64x64x3x3xf32>) outs(%27 : tensor<1x64x28x28xf32>) -> tensor<1x64x28x28xf32>
    %52 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]} ins(%30 : tensor<64xf32>) outs(%29 : tensor<64xf32>) {
    ^bb0(%in: f32, %out: f32):
      %101 = arith.cmpf one, %in, %cst : f32
      cf.assert %101, "unimplemented: tensor with zero element"
      %102 = arith.divf %cst_0, %in : f32
      linalg.yield %102 : f32
    } -> tensor<64xf32>
    %expanded_29 = tensor.expand_shape %52 [[0, 1, 2]] output_shape [64, 1, 1] : tensor<64xf32> into tensor<64x1x1xf32>
    %53 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%51, %cst_7 : tensor<1x64x28x28xf32>, tensor<64x1x1xf32>) outs(%26 : tensor<1x64x28x28xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.subf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x64x28x28xf32>
    %54 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%53, %expanded_29 : tensor<1x64x28x28xf32>, tensor<64x1x1xf32>) outs(%26 : tensor<1x64x28x28xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.mulf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x64x28x28xf32>
    %55 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%54, %cst_8 : tensor<1x64x28x28xf32>, tensor<64x1x1xf32>) outs(%26 : tensor<1x64x28x28xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.mulf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x64x28x28xf32>
    %56 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%55, %cst_9 : tensor<1x64x28x28xf32>, tensor<64x1x1xf32>) outs(%26 : tensor<1x64x28x28xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.addf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x64x28x28xf32>
    %57 = linalg.generic {indexing_maps = [#map1, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%56 : tensor<1x64x28x28xf32>) outs(%26 : tensor<1x64x28x28xf32>) {
    ^bb0(%in: f32, %out: f32):
      %101 = arith.cmpf ugt, %in, %cst : f32
      %102 = arith.select %101, %in, %cst : f32
      linalg.yield %102 : f32
    } -> tensor<1x64x28x28xf32>
    %__auto.constant_64_64_3_3_torch.float32$2 = util.global.load @__auto.constant_64_64_3_3_torch.float32$2 : tensor<64x64x3x3xf32>
    %padded_30 = tensor.pad %57 low[0, 0, 1, 1] high[0, 0, 1, 1] {
    ^bb0(%arg1: index, %arg2: index, %arg3: index, %arg4: index):
      tensor.yield %cst : f32
    } : tensor<1x64x28x28xf32> to tensor<1x64x30x30xf32>
    %58 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%padded_30, %__auto.constant_64_64_3_3_torch.float32$2 : tensor<1x64x30x30xf32>, tensor<64x64x3x3xf32>) outs(%27 : tensor<1x64x28x28xf32>) -> tensor<1x64x28x28xf32>
    %59 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]} ins(%30 : tensor<64xf32>) outs(%29 : tensor<64xf32>) {
    ^bb0(%in: f32, %out: f32):
      %101 = arith.cmpf one, %in, %cst : f32
      cf.assert %101, "unimplemented: tensor with zero element"
      %102 = arith.divf %cst_0, %in : f32
      linalg.yield %102 : f32
    } -> tensor<64xf32>
    %expanded_31 = tensor.expand_shape %59 [[0, 1, 2]] output_shape [64, 1, 1] : tensor<64xf32> into tensor<64x1x1xf32>
    %60 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%58, %cst_9 : tensor<1x64x28x28xf32>, tensor<64x1x1xf32>) outs(%26 : tensor<1x64x28x28xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.subf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x64x28x28xf32>
    %61 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%60, %expanded_31 : tensor<1x64x28x28xf32>, tensor<64x1x1xf32>) outs(%26 : tensor<1x64x28x28xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.mulf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x64x28x28xf32>
    %62 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%61, %cst_8 : tensor<1x64x28x28xf32>, tensor<64x1x1xf32>) outs(%26 : tensor<1x64x28x28xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.mulf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x64x28x28xf32>
    %63 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%62, %cst_7 : tensor<1x64x28x28xf32>, tensor<64x1x1xf32>) outs(%26 : tensor<1x64x28x28xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.addf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x64x28x28xf32>
    %64 = linalg.generic {indexing_maps = [#map1, #map1, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%63, %50 : tensor<1x64x28x28xf32>, tensor<1x64x28x28xf32>) outs(%26 : tensor<1x64x28x28xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.addf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x64x28x28xf32>
    %65 = linalg.generic {indexing_maps = [#map1, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%64 : tensor<1x64x28x28xf32>) outs(%26 : tensor<1x64x28x28xf32>) {
    ^bb0(%in: f32, %out: f32):
      %101 = arith.cmpf ugt, %in, %cst : f32
      %102 = arith.select %101, %in, %cst : f32
      linalg.yield %102 : f32
    } -> tensor<1x64x28x28xf32>
    %__auto.constant_128_64_3_3_torch.float32 = util.global.load @__auto.constant_128_64_3_3_torch.float32 : tensor<128x64x3x3xf32>
    %padded_32 = tensor.pad %65 low[0, 0, 1, 1] high[0, 0, 1, 1] {
    ^bb0(%arg1: index, %arg2: index, %arg3: index, %arg4: index):
      tensor.yield %cst : f32
    } : tensor<1x64x28x28xf32> to tensor<1x64x30x30xf32>
    %66 = tensor.empty() : tensor<1x128x14x14xf32>
    %67 = linalg.fill ins(%cst : f32) outs(%66 : tensor<1x128x14x14xf32>) -> tensor<1x128x14x14xf32>
    %68 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%padded_32, %__auto.constant_128_64_3_3_torch.float32 : tensor<1x64x30x30xf32>, tensor<128x64x3x3xf32>) outs(%67 : tensor<1x128x14x14xf32>) -> tensor<1x128x14x14xf32>
    %69 = tensor.empty() : tensor<128xf32>
    %70 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]} ins(%cst_5 : tensor<128xf32>) outs(%69 : tensor<128xf32>) {
    ^bb0(%in: f32, %out: f32):
      %101 = math.sqrt %in : f32
      linalg.yield %101 : f32
    } -> tensor<128xf32>
    %71 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]} ins(%70 : tensor<128xf32>) outs(%69 : tensor<128xf32>) {
    ^bb0(%in: f32, %out: f32):
      %101 = arith.cmpf one, %in, %cst : f32
      cf.assert %101, "unimplemented: tensor with zero element"
      %102 = arith.divf %cst_0, %in : f32
      linalg.yield %102 : f32
    } -> tensor<128xf32>
    %expanded_33 = tensor.expand_shape %71 [[0, 1, 2]] output_shape [128, 1, 1] : tensor<128xf32> into tensor<128x1x1xf32>
    %72 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%68, %cst_4 : tensor<1x128x14x14xf32>, tensor<128x1x1xf32>) outs(%66 : tensor<1x128x14x14xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.subf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x128x14x14xf32>
    %73 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%72, %expanded_33 : tensor<1x128x14x14xf32>, tensor<128x1x1xf32>) outs(%66 : tensor<1x128x14x14xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.mulf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x128x14x14xf32>
    %74 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%73, %cst_3 : tensor<1x128x14x14xf32>, tensor<128x1x1xf32>) outs(%66 : tensor<1x128x14x14xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.mulf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x128x14x14xf32>
    %75 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%74, %cst_2 : tensor<1x128x14x14xf32>, tensor<128x1x1xf32>) outs(%66 : tensor<1x128x14x14xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.addf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x128x14x14xf32>
    %76 = linalg.generic {indexing_maps = [#map1, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%75 : tensor<1x128x14x14xf32>) outs(%66 : tensor<1x128x14x14xf32>) {
    ^bb0(%in: f32, %out: f32):
      %101 = arith.cmpf ugt, %in, %cst : f32
      %102 = arith.select %101, %in, %cst : f32
      linalg.yield %102 : f32
    } -> tensor<1x128x14x14xf32>
    %__auto.constant_128_128_3_3_torch.float32 = util.global.load @__auto.constant_128_128_3_3_torch.float32 : tensor<128x128x3x3xf32>
    %padded_34 = tensor.pad %76 low[0, 0, 1, 1] high[0, 0, 1, 1] {
    ^bb0(%arg1: index, %arg2: index, %arg3: index, %arg4: index):
      tensor.yield %cst : f32
    } : tensor<1x128x14x14xf32> to tensor<1x128x16x16xf32>
    %77 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%padded_34, %__auto.constant_128_128_3_3_torch.float32 : tensor<1x128x16x16xf32>, tensor<128x128x3x3xf32>) outs(%67 : tensor<1x128x14x14xf32>) -> tensor<1x128x14x14xf32>
    %78 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]} ins(%70 : tensor<128xf32>) outs(%69 : tensor<128xf32>) {
    ^bb0(%in: f32, %out: f32):
      %101 = arith.cmpf one, %in, %cst : f32
      cf.assert %101, "unimplemented: tensor with zero element"
      %102 = arith.divf %cst_0, %in : f32
      linalg.yield %102 : f32
    } -> tensor<128xf32>
    %expanded_35 = tensor.expand_shape %78 [[0, 1, 2]] output_shape [128, 1, 1] : tensor<128xf32> into tensor<128x1x1xf32>
    %79 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%77, %cst_2 : tensor<1x128x14x14xf32>, tensor<128x1x1xf32>) outs(%66 : tensor<1x128x14x14xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.subf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x128x14x14xf32>
    %80 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%79, %expanded_35 : tensor<1x128x14x14xf32>, tensor<128x1x1xf32>) outs(%66 : tensor<1x128x14x14xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.mulf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x128x14x14xf32>
    %81 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%80, %cst_3 : tensor<1x128x14x14xf32>, tensor<128x1x1xf32>) outs(%66 : tensor<1x128x14x14xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.mulf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x128x14x14xf32>
    %82 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%81, %cst_4 : tensor<1x128x14x14xf32>, tensor<128x1x1xf32>) outs(%66 : tensor<1x128x14x14xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.addf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x128x14x14xf32>
    %__auto.constant_128_64_1_1_torch.float32 = util.global.load @__auto.constant_128_64_1_1_torch.float32 : tensor<128x64x1x1xf32>
    %83 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%65, %__auto.constant_128_64_1_1_torch.float32 : tensor<1x64x28x28xf32>, tensor<128x64x1x1xf32>) outs(%67 : tensor<1x128x14x14xf32>) -> tensor<1x128x14x14xf32>
    %84 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]} ins(%70 : tensor<128xf32>) outs(%69 : tensor<128xf32>) {
    ^bb0(%in: f32, %out: f32):
      %101 = arith.cmpf one, %in, %cst : f32
      cf.assert %101, "unimplemented: tensor with zero element"
      %102 = arith.divf %cst_0, %in : f32
      linalg.yield %102 : f32
    } -> tensor<128xf32>
    %expanded_36 = tensor.expand_shape %84 [[0, 1, 2]] output_shape [128, 1, 1] : tensor<128xf32> into tensor<128x1x1xf32>
    %85 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%83, %cst_4 : tensor<1x128x14x14xf32>, tensor<128x1x1xf32>) outs(%66 : tensor<1x128x14x14xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.subf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x128x14x14xf32>
    %86 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%85, %expanded_36 : tensor<1x128x14x14xf32>, tensor<128x1x1xf32>) outs(%66 : tensor<1x128x14x14xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.mulf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x128x14x14xf32>
    %87 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%86, %cst_1 : tensor<1x128x14x14xf32>, tensor<128x1x1xf32>) outs(%66 : tensor<1x128x14x14xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.mulf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x128x14x14xf32>
    %88 = linalg.generic {indexing_maps = [#map1, #map2, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%87, %cst_2 : tensor<1x128x14x14xf32>, tensor<128x1x1xf32>) outs(%66 : tensor<1x128x14x14xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.addf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x128x14x14xf32>
    %89 = linalg.generic {indexing_maps = [#map1, #map1, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%82, %88 : tensor<1x128x14x14xf32>, tensor<1x128x14x14xf32>) outs(%66 : tensor<1x128x14x14xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.addf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x128x14x14xf32>
    %90 = linalg.generic {indexing_maps = [#map1, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%89 : tensor<1x128x14x14xf32>) outs(%66 : tensor<1x128x14x14xf32>) {
    ^bb0(%in: f32, %out: f32):
      %101 = arith.cmpf ugt, %in, %cst : f32
      %102 = arith.select %101, %in, %cst : f32
      linalg.yield %102 : f32
    } -> tensor<1x128x14x14xf32>
    %91 = tensor.empty() : tensor<1x128x1x1xf32>
    %92 = linalg.fill ins(%cst : f32) outs(%91 : tensor<1x128x1x1xf32>) -> tensor<1x128x1x1xf32>
    %93 = tensor.empty() : tensor<14x14xf32>
    %94 = linalg.pooling_nchw_sum {dilations = dense<1> : vector<2xi64>, strides = dense<14> : vector<2xi64>} ins(%90, %93 : tensor<1x128x14x14xf32>, tensor<14x14xf32>) outs(%92 : tensor<1x128x1x1xf32>) -> tensor<1x128x1x1xf32>
    %95 = linalg.generic {indexing_maps = [#map1, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%94 : tensor<1x128x1x1xf32>) outs(%91 : tensor<1x128x1x1xf32>) {
    ^bb0(%in: f32, %out: f32):
      %101 = arith.divf %in, %cst_18 : f32
      linalg.yield %101 : f32
    } -> tensor<1x128x1x1xf32>
    %collapsed = tensor.collapse_shape %95 [[0], [1, 2, 3]] : tensor<1x128x1x1xf32> into tensor<1x128xf32>
    %__auto.constant_10_128_torch.float32 = util.global.load @__auto.constant_10_128_torch.float32 : tensor<10x128xf32>
    %96 = tensor.empty() : tensor<128x10xf32>
    %transposed = linalg.transpose ins(%__auto.constant_10_128_torch.float32 : tensor<10x128xf32>) outs(%96 : tensor<128x10xf32>) permutation = [1, 0] 
    %97 = tensor.empty() : tensor<1x10xf32>
    %98 = linalg.fill ins(%cst : f32) outs(%97 : tensor<1x10xf32>) -> tensor<1x10xf32>
    %99 = linalg.matmul ins(%collapsed, %transposed : tensor<1x128xf32>, tensor<128x10xf32>) outs(%98 : tensor<1x10xf32>) -> tensor<1x10xf32>
    %100 = linalg.generic {indexing_maps = [#map3, #map4, #map3], iterator_types = ["parallel", "parallel"]} ins(%99, %cst_16 : tensor<1x10xf32>, tensor<10xf32>) outs(%97 : tensor<1x10xf32>) {
    ^bb0(%in: f32, %in_37: f32, %out: f32):
      %101 = arith.addf %in, %in_37 : f32
      linalg.yield %101 : f32
    } -> tensor<1x10xf32>
    return %100 : tensor<1x10xf32>
  }
}

