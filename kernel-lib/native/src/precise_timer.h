// A one-shot timer on a timerfd (CLOCK_MONOTONIC), polled by libuv, so link
// emulation and queue service can wake at microsecond precision rather than
// the millisecond granularity of JavaScript timers.
#pragma once
#include <napi.h>
#include <uv.h>

#include <memory>

namespace p4lab {

class PreciseTimer : public Napi::ObjectWrap<PreciseTimer> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit PreciseTimer(const Napi::CallbackInfo& info);
  ~PreciseTimer() override;

 private:
  Napi::Value ArmAt(const Napi::CallbackInfo& info);
  Napi::Value Disarm(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  static void OnReadable(uv_poll_t* handle, int status, int events);

  struct Handle {
    PreciseTimer* owner;
    int fd;
    uv_poll_t poll;
  };
  Handle* handle_ = nullptr;  // freed by uv_close's callback
  bool armed_ = false;
  Napi::Env env_;
  Napi::FunctionReference callback_;
  Napi::ObjectReference self_;  // alive while armed
  std::unique_ptr<Napi::AsyncContext> asyncContext_;
};

/**
 * readClocks(out: Float64Array): out[0] = the monotonic clock (the timer's time
 * base), out[1] (if there) = the realtime clock, in nanoseconds. Written into
 * an array because a number returned to JavaScript would be a new heap object
 * per reading (only small integers are not).
 */
napi_value ReadClocks(napi_env env, napi_callback_info info);

}  // namespace p4lab
