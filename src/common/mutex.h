// Mutex and MutexLock: glibc's adaptive mutex with abseil's thread-safety
// annotations. Internal to the library.
//
// The locks below sit on the path of every judged record. abseil's Mutex,
// as Debian's abseil is built (without NDEBUG), checks for deadlocks on
// every acquisition under one process-wide lock, which serialises threads
// that share no data at all. An adaptive pthread mutex takes a free lock
// with one atomic instruction and, when it is held, spins briefly before
// sleeping: the detector holds its lock for well under a microsecond, so
// a waiting thread rarely pays for a sleep and a wake-up.

#ifndef OFFREGION_SRC_COMMON_MUTEX_H_
#define OFFREGION_SRC_COMMON_MUTEX_H_

#include <pthread.h>

#include "absl/base/thread_annotations.h"

namespace offregion::internal {

class ABSL_LOCKABLE Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;
  ~Mutex() { pthread_mutex_destroy(&mu_); }

  void Lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() { pthread_mutex_lock(&mu_); }
  void Unlock() ABSL_UNLOCK_FUNCTION() { pthread_mutex_unlock(&mu_); }

 private:
#ifdef PTHREAD_ADAPTIVE_MUTEX_INITIALIZER_NP
  pthread_mutex_t mu_ = PTHREAD_ADAPTIVE_MUTEX_INITIALIZER_NP;
#else  // a C library without adaptive mutexes: a plain one
  pthread_mutex_t mu_ = PTHREAD_MUTEX_INITIALIZER;
#endif
};

// Holds *mu from construction to destruction.
class ABSL_SCOPED_LOCKABLE MutexLock {
 public:
  explicit MutexLock(Mutex* mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(mu) {
    mu_->Lock();
  }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;
  ~MutexLock() ABSL_UNLOCK_FUNCTION() { mu_->Unlock(); }

 private:
  Mutex* const mu_;
};

}  // namespace offregion::internal

#endif  // OFFREGION_SRC_COMMON_MUTEX_H_
