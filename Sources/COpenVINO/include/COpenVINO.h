// The OpenVINO C API as Swift sees it, plus wrappers for what Swift cannot call directly
// (variadic functions, macros). Nothing else belongs here.
#ifndef COPENVINO_H
#define COPENVINO_H

#if !__has_include(<openvino/c/openvino.h>)
#error "OpenVINO's C API was not found: run `make setup` (it links a system OpenVINO or installs the PyPI runtime into .deps/)."
#else
#include <openvino/c/openvino.h>
#include <stddef.h>

/// The largest number of properties `ovx_core_compile_model` accepts.
#define OVX_MAX_PROPERTIES 8

/// `ov_core_compile_model` with properties as two parallel arrays of strings instead of C varargs, so Swift
/// can call it. Works with every OpenVINO 2023+ runtime (the `_props` variant only exists from 2026.4).
/// Returns INVALID_C_PARAM when `count` exceeds OVX_MAX_PROPERTIES.
ov_status_e ovx_core_compile_model(const ov_core_t *core,
                                   const ov_model_t *model,
                                   const char *device_name,
                                   size_t count,
                                   const char *const *keys,
                                   const char *const *values,
                                   ov_compiled_model_t **compiled_model);

/// `ov_core_compile_model_from_file` with properties as arrays, like `ovx_core_compile_model`. Compiling from the
/// file (rather than from a read model) lets OpenVINO's model cache (CACHE_DIR) skip reading and compiling.
ov_status_e ovx_core_compile_model_from_file(const ov_core_t *core,
                                             const char *model_path,
                                             const char *device_name,
                                             size_t count,
                                             const char *const *keys,
                                             const char *const *values,
                                             ov_compiled_model_t **compiled_model);

#endif /* __has_include */
#endif
