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

/** Monotonic clock in nanoseconds, the timer's time base. */
Napi::Value MonotonicNs(const Napi::CallbackInfo& info);
/** Realtime clock in nanoseconds (for time-stamping changes). */
Napi::Value RealtimeNs(const Napi::CallbackInfo& info);

}  // namespace p4lab
