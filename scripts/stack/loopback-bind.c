/*
 * LD_PRELOAD shim for the time-skipping test server: its native binary takes only a port and binds the
 * wildcard address. Our test servers must listen on loopback only, so a wildcard bind() is rewritten to
 * 127.0.0.1 (IPv4) or ::ffff:127.0.0.1 (dual-stack IPv6 sockets, reachable at 127.0.0.1). Any other
 * address is passed through unchanged. Built by scripts/stack/install.ts.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

typedef int (*bind_fn)(int, const struct sockaddr *, socklen_t);

int bind(int fd, const struct sockaddr *addr, socklen_t len) {
  static bind_fn real_bind;
  if (!real_bind) real_bind = (bind_fn)dlsym(RTLD_NEXT, "bind");
  if (addr && addr->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
    struct sockaddr_in6 a6;
    memcpy(&a6, addr, sizeof a6);
    if (IN6_IS_ADDR_UNSPECIFIED(&a6.sin6_addr)) {
      inet_pton(AF_INET6, "::ffff:127.0.0.1", &a6.sin6_addr);
      return real_bind(fd, (const struct sockaddr *)&a6, sizeof a6);
    }
  } else if (addr && addr->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
    struct sockaddr_in a4;
    memcpy(&a4, addr, sizeof a4);
    if (a4.sin_addr.s_addr == htonl(INADDR_ANY)) {
      a4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      return real_bind(fd, (const struct sockaddr *)&a4, sizeof a4);
    }
  }
  return real_bind(fd, addr, len);
}
