// p4lab_native: AF_PACKET ports, a precise timer and the clocks they share.
#include <napi.h>

#include <cstring>

#include "packet_io.h"
#include "precise_timer.h"

namespace {

// The bytes of a Uint8Array, or false when `value` is none.
bool BytesOf(napi_env env, napi_value value, uint8_t** data, size_t* length) {
  napi_typedarray_type type;
  void* base = nullptr;
  if (napi_get_typedarray_info(env, value, &type, length, &base, nullptr, nullptr) != napi_ok) return false;
  *data = static_cast<uint8_t*>(base);
  return type == napi_uint8_array;
}

// copyBytes(dst, dstOffset, src, srcOffset, length): memmove between
// Uint8Arrays without the views (subarray) JavaScript would allocate. Plain
// N-API: it runs per packet, where node-addon-api's wrappers double the cost
// of the call.
napi_value CopyBytes(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  uint8_t* dst;
  uint8_t* src;
  size_t dstLength, srcLength;
  uint32_t dstOffset, srcOffset, length;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < 5 ||
      !BytesOf(env, argv[0], &dst, &dstLength) || !BytesOf(env, argv[2], &src, &srcLength) ||
      napi_get_value_uint32(env, argv[1], &dstOffset) != napi_ok || napi_get_value_uint32(env, argv[3], &srcOffset) != napi_ok ||
      napi_get_value_uint32(env, argv[4], &length) != napi_ok) {
    napi_throw_type_error(env, nullptr, "copyBytes(dst: Uint8Array, dstOffset, src: Uint8Array, srcOffset, length)");
    return nullptr;
  }
  if (size_t(dstOffset) + length > dstLength || size_t(srcOffset) + length > srcLength) {
    napi_throw_range_error(env, nullptr, "copyBytes: range outside a buffer");
    return nullptr;
  }
  memmove(dst + dstOffset, src + srcOffset, length);
  return nullptr;
}

// Exports a plain N-API function.
void Export(Napi::Env env, Napi::Object exports, const char* name, napi_callback fn) {
  napi_value value;
  NAPI_THROW_IF_FAILED_VOID(env, napi_create_function(env, name, NAPI_AUTO_LENGTH, fn, nullptr, &value));
  exports.Set(name, Napi::Value(env, value));
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("PacketIo", p4lab::PacketIo::Define(env));
  exports.Set("PreciseTimer", p4lab::PreciseTimer::Define(env));
  Export(env, exports, "readClocks", p4lab::ReadClocks);
  Export(env, exports, "copyBytes", CopyBytes);
  return exports;
}

}  // namespace

NODE_API_MODULE(p4lab_native, Init)
