# Sourced by ./hearth and ./test: sets JAVA_HOME to the newest JDK >= 21 (JAVA_HOME first, then
# /usr/lib/jvm/*), or exits with a message saying how to get one.
java_major() { # prints the feature version of the java binary given, or nothing
  # the JDK's release file says it without starting a JVM (~100 ms each, on every ./hearth start)
  local release; release="$(dirname "$(dirname "$1")")/release"
  if [ -f "$release" ]; then
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release" | head -1
  else
    "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p' | head -1
  fi
}

find_jdk() {
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for d in /usr/lib/jvm/*; do [ -d "$d" ] && candidates+=("$d"); done
  local best="" best_v=0 v
  for home in "${candidates[@]}"; do
    [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || continue
    v="$(java_major "$home/bin/java")"
    [ -n "$v" ] && [ "$v" -ge 21 ] && [ "$v" -gt "$best_v" ] && { best="$home"; best_v="$v"; }
    # JAVA_HOME wins when it is new enough
    [ "$home" = "${JAVA_HOME:-}" ] && [ -n "$best" ] && break
  done
  printf '%s' "$best"
}

jdk="$(find_jdk)"
if [ -z "$jdk" ]; then
  cat >&2 <<MSG
hearth: no JDK 21 or newer found (looked at \$JAVA_HOME${JAVA_HOME:+=$JAVA_HOME} and /usr/lib/jvm/*).
Install one, e.g. 'sudo apt-get install openjdk-21-jdk' (Debian 13 / Ubuntu 24.04) or Temurin 21+,
or point JAVA_HOME at it.
MSG
  exit 1
fi
export JAVA_HOME="$jdk"
