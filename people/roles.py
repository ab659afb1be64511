"""The four user types, as Django groups created by a data migration."""

OFFICER = "Officer"
TRAINER = "Trainer"
LEADER = "Leader"
ADMINISTRATOR = "Administrator"
ALL_GROUPS = (OFFICER, TRAINER, LEADER, ADMINISTRATOR)


def in_group(user, name: str) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    cache = getattr(user, "_group_names_cache", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._group_names_cache = cache
    return name in cache


def is_administrator(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or in_group(user, ADMINISTRATOR)


def is_trainer(user) -> bool:
    return is_administrator(user) or in_group(user, TRAINER)


def is_leader(user) -> bool:
    return in_group(user, LEADER)
