"""Check that PostgreSQL and Redis answer before the test suite starts; say clearly what is wrong."""

import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import redis


def main(database_url: str, redis_url: str) -> int:
    problems = []
    try:
        # The server's maintenance database: the test database need not exist yet (any name, e.g. ocop_h18tests).
        psycopg2.connect(urlunsplit(urlsplit(database_url)._replace(path="/postgres")), connect_timeout=3).close()
    except psycopg2.Error as exc:
        problems.append(
            f"PostgreSQL does not answer at {database_url}: {str(exc).strip()}\n"
            "  start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
        )
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        problems.append(
            f"Redis does not answer at {redis_url}: {exc}\n"
            '  start it: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no'
        )
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print("PostgreSQL and Redis answer.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
