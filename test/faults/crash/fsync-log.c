/*
 * LD_PRELOAD shim for the machine-crash fault test (redis-crash.fault.test.ts).
 *
 * A power cut keeps what a process had fsynced, not what it had written: the rest was only in the
 * kernel's page cache. A SIGKILL keeps everything written, so it is kinder than a crash. To take
 * the crash's view, this shim lets every fsync()/fdatasync() of the process through and then
 * appends "<path> <size>\n" to $FSYNC_LOG: the file and how much of it is now on stable storage.
 * After SIGKILLing Redis, the test cuts every file back to the size of its last fsync, which is
 * what a machine that lost power at that instant would find on its disk.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void record(int fd) {
  const char *log = getenv("FSYNC_LOG");
  if (log == NULL) return;
  char link[64], path[4096], line[4200];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, path, sizeof path - 1);
  if (n <= 0) return;
  path[n] = '\0';
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return;
  int len = snprintf(line, sizeof line, "%s %lld\n", path, (long long)st.st_size);
  int out = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (out < 0) return;
  /* One write of a short line to an O_APPEND file: lines never interleave. */
  if (write(out, line, (size_t)len) < 0) { /* nothing to do: the line is lost, not invented */ }
  close(out);
}

int fsync(int fd) {
  static int (*real)(int);
  if (real == NULL) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
  int result = real(fd);
  if (result == 0) record(fd);
  return result;
}

int fdatasync(int fd) {
  static int (*real)(int);
  if (real == NULL) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
  int result = real(fd);
  if (result == 0) record(fd);
  return result;
}
