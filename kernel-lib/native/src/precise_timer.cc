#include "precise_timer.h"

#include <errno.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <cstring>

namespace p4lab {

namespace {
double ClockNs(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return double(ts.tv_sec) * 1e9 + double(ts.tv_nsec);
}
}  // namespace

// Plain N-API: it runs per packet, where node-addon-api's wrappers double the cost of a call.
napi_value ReadClocks(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value out;
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  if (napi_get_cb_info(env, info, &argc, &out, nullptr, nullptr) != napi_ok || argc < 1 ||
      napi_get_typedarray_info(env, out, &type, &length, &data, nullptr, nullptr) != napi_ok ||
      type != napi_float64_array || length < 1) {
    napi_throw_type_error(env, nullptr, "readClocks(out): out must be a Float64Array");
    return nullptr;
  }
  double* cells = static_cast<double*>(data);
  cells[0] = ClockNs(CLOCK_MONOTONIC);
  if (length > 1) cells[1] = ClockNs(CLOCK_REALTIME);
  return nullptr;
}

Napi::Function PreciseTimer::Define(Napi::Env env) {
  return DefineClass(env, "PreciseTimer",
                     {
                         InstanceMethod("armAt", &PreciseTimer::ArmAt),
                         InstanceMethod("disarm", &PreciseTimer::Disarm),
                         InstanceMethod("close", &PreciseTimer::Close),
                     });
}

// new PreciseTimer(callback)
PreciseTimer::PreciseTimer(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<PreciseTimer>(info), env_(info.Env()) {
  if (info.Length() != 1 || !info[0].IsFunction()) throw Napi::TypeError::New(env_, "PreciseTimer(callback)");
  callback_ = Napi::Persistent(info[0].As<Napi::Function>());
  asyncContext_ = std::make_unique<Napi::AsyncContext>(env_, "p4lab:PreciseTimer");
  int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (fd < 0) throw Napi::Error::New(env_, std::string("timerfd_create: ") + strerror(errno));
  handle_ = new Handle{this, fd, {}};
  uv_loop_t* loop = nullptr;
  napi_get_uv_event_loop(env_, &loop);
  uv_poll_init(loop, &handle_->poll, fd);
  handle_->poll.data = handle_;
}

PreciseTimer::~PreciseTimer() {
  if (handle_ != nullptr) {
    // Not closed explicitly: the loop may be gone, so only release the fd.
    close(handle_->fd);
  }
}

// armAt(at: Float64Array): fires once at at[0], a CLOCK_MONOTONIC time in ns
// (at once if it has passed). In an array: a number argument that large
// would be a new heap object per call.
Napi::Value PreciseTimer::ArmAt(const Napi::CallbackInfo& info) {
  if (handle_ == nullptr) throw Napi::Error::New(env_, "timer is closed");
  if (info.Length() < 1 || !info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array ||
      info[0].As<Napi::Float64Array>().ElementLength() < 1)
    throw Napi::TypeError::New(env_, "armAt(at: Float64Array)");
  double at = info[0].As<Napi::Float64Array>()[0];
  if (at < 1) at = 1;  // 0 would disarm the timerfd
  struct itimerspec spec {};
  spec.it_value.tv_sec = time_t(at / 1e9);
  spec.it_value.tv_nsec = long(at - double(spec.it_value.tv_sec) * 1e9);
  if (spec.it_value.tv_nsec < 0) spec.it_value.tv_nsec = 0;
  if (spec.it_value.tv_nsec >= 1000000000L) spec.it_value.tv_nsec = 999999999L;
  timerfd_settime(handle_->fd, TFD_TIMER_ABSTIME, &spec, nullptr);
  if (!armed_) {
    armed_ = true;
    self_ = Napi::Persistent(info.This().As<Napi::Object>());
    uv_poll_start(&handle_->poll, UV_READABLE, &PreciseTimer::OnReadable);
  }
  return env_.Undefined();
}

Napi::Value PreciseTimer::Disarm(const Napi::CallbackInfo&) {
  if (handle_ != nullptr && armed_) {
    struct itimerspec spec {};
    timerfd_settime(handle_->fd, 0, &spec, nullptr);
    uv_poll_stop(&handle_->poll);
    armed_ = false;
    self_.Reset();
  }
  return env_.Undefined();
}

Napi::Value PreciseTimer::Close(const Napi::CallbackInfo& info) {
  Disarm(info);
  if (handle_ != nullptr) {
    close(handle_->fd);
    uv_close(reinterpret_cast<uv_handle_t*>(&handle_->poll),
             [](uv_handle_t* h) { delete static_cast<Handle*>(h->data); });
    handle_ = nullptr;
  }
  return env_.Undefined();
}

void PreciseTimer::OnReadable(uv_poll_t* poll, int status, int) {
  auto* handle = static_cast<Handle*>(poll->data);
  PreciseTimer* self = handle->owner;
  uint64_t expirations;
  if (read(handle->fd, &expirations, sizeof expirations) != sizeof expirations && status == 0) return;
  // One-shot: stop polling before the callback, which may re-arm.
  uv_poll_stop(poll);
  self->armed_ = false;
  Napi::Env env = self->env_;
  Napi::HandleScope scope(env);
  Napi::Object keep = self->self_.Value();  // `this` must outlive the callback
  self->self_.Reset();
  try {
    self->callback_.MakeCallback(env.Global(), {}, *self->asyncContext_);
  } catch (const Napi::Error& e) {
    // No JavaScript frame to throw into: report it as an uncaught exception.
    napi_fatal_exception(env, e.Value());
  }
  (void)keep;
}

}  // namespace p4lab
