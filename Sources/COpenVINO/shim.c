#include "COpenVINO.h"

ov_status_e ovx_core_compile_model(const ov_core_t *core,
                                   const ov_model_t *model,
                                   const char *device_name,
                                   size_t count,
                                   const char *const *keys,
                                   const char *const *values,
                                   ov_compiled_model_t **compiled_model) {
    const char *const *k = keys;
    const char *const *v = values;
    switch (count) {
    case 0:
        return ov_core_compile_model(core, model, device_name, 0, compiled_model);
    case 1:
        return ov_core_compile_model(core, model, device_name, 2, compiled_model, k[0], v[0]);
    case 2:
        return ov_core_compile_model(core, model, device_name, 4, compiled_model, k[0], v[0], k[1], v[1]);
    case 3:
        return ov_core_compile_model(core, model, device_name, 6, compiled_model, k[0], v[0], k[1], v[1], k[2], v[2]);
    case 4:
        return ov_core_compile_model(core, model, device_name, 8, compiled_model, k[0], v[0], k[1], v[1], k[2], v[2],
                                     k[3], v[3]);
    case 5:
        return ov_core_compile_model(core, model, device_name, 10, compiled_model, k[0], v[0], k[1], v[1], k[2], v[2],
                                     k[3], v[3], k[4], v[4]);
    case 6:
        return ov_core_compile_model(core, model, device_name, 12, compiled_model, k[0], v[0], k[1], v[1], k[2], v[2],
                                     k[3], v[3], k[4], v[4], k[5], v[5]);
    case 7:
        return ov_core_compile_model(core, model, device_name, 14, compiled_model, k[0], v[0], k[1], v[1], k[2], v[2],
                                     k[3], v[3], k[4], v[4], k[5], v[5], k[6], v[6]);
    case 8:
        return ov_core_compile_model(core, model, device_name, 16, compiled_model, k[0], v[0], k[1], v[1], k[2], v[2],
                                     k[3], v[3], k[4], v[4], k[5], v[5], k[6], v[6], k[7], v[7]);
    default:
        return INVALID_C_PARAM;
    }
}
