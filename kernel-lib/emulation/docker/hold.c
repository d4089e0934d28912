/* p4lab-hold: the first process of a p4lab Docker host. It blocks until p4lab
 * has moved the host's veth ends into the container (p4lab then closes the
 * container's stdin), and then execs the image's own ENTRYPOINT/CMD, so the
 * image's command starts with its interfaces already in place.
 *
 * It tells p4lab that the exec happened through /.p4lab-ready, a FIFO p4lab
 * reads: the write end is close-on-exec, so p4lab sees end-of-file exactly
 * when the exec succeeded, or reads the reason when it failed. Static, so it
 * runs in any image. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
  char buf[64];
  ssize_t n;
  /* EOF on stdin is the go signal; anything written before it is ignored. */
  while ((n = read(0, buf, sizeof buf)) != 0) {
    if (n < 0 && errno != EINTR) break;
  }
  int ready = open("/.p4lab-ready", O_WRONLY | O_CLOEXEC);
  if (argc < 2) {
    /* The image has neither ENTRYPOINT nor CMD: keep the container alive so
     * that exec still works in it. */
    if (ready >= 0) close(ready);
    for (;;) pause();
  }
  execvp(argv[1], argv + 1);
  dprintf(ready >= 0 ? ready : 2, "cannot run %s: %s\n", argv[1], strerror(errno));
  return 127;
}
