"""The one bounded, expiring in-process cache behind the channels' per-user memories."""

from __future__ import annotations

from channels.expiring_cache import ExpiringCache


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_an_entry_lives_exactly_its_ttl():
    clock = FakeClock()
    cache: ExpiringCache[str, int] = ExpiringCache(10, ttl=60, clock=clock)
    cache.put("a", 1)
    clock.now += 59.9
    assert cache.get("a") == 1 and "a" in cache
    clock.now += 0.1
    assert cache.get("a") is None and "a" not in cache and len(cache) == 0


def test_a_ttl_given_to_put_wins_over_the_caches():
    clock = FakeClock()
    cache: ExpiringCache[str, str] = ExpiringCache(10, ttl=60, clock=clock)
    cache.put("token", "t", ttl=7000)
    clock.now += 6999
    assert cache.get("token") == "t"


def test_without_a_ttl_entries_stay_until_room_is_needed():
    clock = FakeClock()
    cache: ExpiringCache[str, int] = ExpiringCache(2, clock=clock)
    cache.put("a", 1)
    clock.now += 10**9
    assert cache.get("a") == 1
    cache.put("b", 2)
    cache.put("c", 3)
    assert "a" not in cache and cache.get("b") == 2 and len(cache) == 2


def test_the_oldest_write_goes_first_and_reading_does_not_make_an_entry_younger():
    cache: ExpiringCache[str, int] = ExpiringCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1
    cache.put("c", 3)
    assert "a" not in cache and "b" in cache
    cache.put("b", 20)  # a new write makes it the newest
    cache.put("d", 4)
    assert "c" not in cache and cache.get("b") == 20


def test_a_flood_of_keys_never_grows_the_cache_past_its_bound():
    cache: ExpiringCache[int, int] = ExpiringCache(100, ttl=600)
    for key in range(10_000):
        cache.put(key, key)
    assert len(cache) == 100 and 9_999 in cache and 0 not in cache


def test_pop_returns_only_live_values():
    clock = FakeClock()
    cache: ExpiringCache[str, int] = ExpiringCache(10, ttl=5, clock=clock)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.pop("a") == 1 and "a" not in cache
    clock.now += 5
    assert cache.pop("b", 0) == 0
    assert cache.pop("missing") is None
