"""Navigation by user type, computed once per request."""

from .roles import is_administrator, is_leader, is_trainer


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {"authenticated": False}}
    return {
        "nav": {
            "authenticated": True,
            "is_officer": hasattr(user, "officer"),
            "is_trainer": is_trainer(user),
            "is_leader": is_leader(user),
            "is_administrator": is_administrator(user),
        }
    }
