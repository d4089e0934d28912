// p4lab_native: AF_PACKET ports, a precise timer and the clocks they share.
#include <napi.h>

#include <cstring>

#include "packet_io.h"
#include "precise_timer.h"

namespace {

// copyBytes(dst, dstOffset, src, srcOffset, length): memcpy between typed
// arrays without the views JavaScript would allocate.
Napi::Value CopyBytes(const Napi::CallbackInfo& info) {
  auto dst = info[0].As<Napi::Uint8Array>();
  size_t dstOffset = info[1].As<Napi::Number>().Uint32Value();
  auto src = info[2].As<Napi::Uint8Array>();
  size_t srcOffset = info[3].As<Napi::Number>().Uint32Value();
  size_t length = info[4].As<Napi::Number>().Uint32Value();
  if (dstOffset + length > dst.ByteLength() || srcOffset + length > src.ByteLength())
    throw Napi::RangeError::New(info.Env(), "copyBytes: range outside a buffer");
  memmove(dst.Data() + dstOffset, src.Data() + srcOffset, length);
  return info.Env().Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("PacketIo", p4lab::PacketIo::Define(env));
  exports.Set("PreciseTimer", p4lab::PreciseTimer::Define(env));
  exports.Set("monotonicNs", Napi::Function::New(env, p4lab::MonotonicNs));
  exports.Set("realtimeNs", Napi::Function::New(env, p4lab::RealtimeNs));
  exports.Set("copyBytes", Napi::Function::New(env, CopyBytes));
  return exports;
}

}  // namespace

NODE_API_MODULE(p4lab_native, Init)
