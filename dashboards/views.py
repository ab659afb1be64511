from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse

from people.roles import is_administrator, is_leader, is_trainer


def _first(*names):
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


@login_required
def home(request):
    """Send each user type to its own start page: officers to their learning, leaders to their units."""
    user = request.user
    if hasattr(user, "officer") and not is_leader(user):
        target = _first("courses:my-learning")
    elif is_leader(user):
        target = _first("dashboards:units", "courses:my-learning")
    elif is_trainer(user) or is_administrator(user):
        target = "/admin/"
    else:
        target = None
    if target:
        return redirect(target)
    from django.shortcuts import render

    return render(request, "home.html")
