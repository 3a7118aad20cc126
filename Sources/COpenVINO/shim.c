#include "COpenVINO.h"

// The property pairs as C varargs: one case per count, since C cannot build a va_list portably.
#define OVX_WITH_PROPERTIES(CALL, ...)                                                                         \
    switch (count) {                                                                                         \
    case 0: return CALL(__VA_ARGS__, 0, compiled_model);                                                     \
    case 1: return CALL(__VA_ARGS__, 2, compiled_model, k[0], v[0]);                                         \
    case 2: return CALL(__VA_ARGS__, 4, compiled_model, k[0], v[0], k[1], v[1]);                             \
    case 3: return CALL(__VA_ARGS__, 6, compiled_model, k[0], v[0], k[1], v[1], k[2], v[2]);                 \
    case 4: return CALL(__VA_ARGS__, 8, compiled_model, k[0], v[0], k[1], v[1], k[2], v[2], k[3], v[3]);     \
    case 5:                                                                                                  \
        return CALL(__VA_ARGS__, 10, compiled_model, k[0], v[0], k[1], v[1], k[2], v[2], k[3], v[3], k[4], v[4]); \
    case 6:                                                                                                  \
        return CALL(__VA_ARGS__, 12, compiled_model, k[0], v[0], k[1], v[1], k[2], v[2], k[3], v[3], k[4], v[4], \
                    k[5], v[5]);                                                                             \
    case 7:                                                                                                  \
        return CALL(__VA_ARGS__, 14, compiled_model, k[0], v[0], k[1], v[1], k[2], v[2], k[3], v[3], k[4], v[4], \
                    k[5], v[5], k[6], v[6]);                                                                 \
    case 8:                                                                                                  \
        return CALL(__VA_ARGS__, 16, compiled_model, k[0], v[0], k[1], v[1], k[2], v[2], k[3], v[3], k[4], v[4], \
                    k[5], v[5], k[6], v[6], k[7], v[7]);                                                     \
    default: return INVALID_C_PARAM;                                                                         \
    }

ov_status_e ovx_core_compile_model(const ov_core_t *core,
                                   const ov_model_t *model,
                                   const char *device_name,
                                   size_t count,
                                   const char *const *keys,
                                   const char *const *values,
                                   ov_compiled_model_t **compiled_model) {
    const char *const *k = keys;
    const char *const *v = values;
    OVX_WITH_PROPERTIES(ov_core_compile_model, core, model, device_name)
}

ov_status_e ovx_core_compile_model_from_file(const ov_core_t *core,
                                             const char *model_path,
                                             const char *device_name,
                                             size_t count,
                                             const char *const *keys,
                                             const char *const *values,
                                             ov_compiled_model_t **compiled_model) {
    const char *const *k = keys;
    const char *const *v = values;
    OVX_WITH_PROPERTIES(ov_core_compile_model_from_file, core, model_path, device_name)
}
