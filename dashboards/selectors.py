"""Reads behind the leaders' pages. Every query is scoped through people.selectors and bounded in number."""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from people.models import DeskRole, Officer, RoleAssignment, Unit
from people.selectors import officers_visible_to, units_led_by
from people.text import fold


@dataclass
class UnitRow:
    """One unit of a led subtree with its officer head-counts (own and whole subtree)."""

    unit: Unit
    level: int
    officers: int = 0
    officers_subtree: int = 0
    by_role: dict[int, int] = field(default_factory=dict)
    by_role_subtree: dict[int, int] = field(default_factory=dict)

    def role_counts(self, roles) -> list[int]:
        return [self.by_role_subtree.get(role.pk, 0) for role in roles]


@dataclass
class LedTree:
    """A unit the viewer leads, with every unit below it in tree order."""

    root: Unit
    rows: list[UnitRow]

    @property
    def total(self) -> UnitRow:
        return self.rows[0]


def desk_roles_active() -> QuerySet[DeskRole]:
    """The desk roles shown as columns and filter options, in their configured order."""
    return DeskRole.objects.filter(is_active=True).order_by("sort_order", "code")


def led_trees_for(*, viewer) -> list[LedTree]:
    """The units a leader leads (administrators: the roots), each with its subtree and head-counts.

    Three queries whatever the number of officers: units, officers per unit, current role holders per unit × role.
    Officers are counted once per role even if they hold it twice; subtree totals add up the units below.
    """
    units = list(units_led_by(user=viewer).filter(is_active=True).order_by("path"))
    if not units:
        return []
    unit_ids = [u.pk for u in units]
    officers_per_unit = dict(
        Officer.objects.filter(unit_id__in=unit_ids, is_active=True)
        .values_list("unit_id")
        .annotate(n=Count("pk"))
    )
    role_counts: dict[int, dict[int, int]] = {}
    for unit_id, role_id, n in (
        RoleAssignment.objects.current().filter(officer__unit_id__in=unit_ids, officer__is_active=True)
        .values_list("officer__unit_id", "role_id")
        .annotate(n=Count("officer_id", distinct=True))
    ):
        role_counts.setdefault(unit_id, {})[role_id] = n

    rows = {u.pk: UnitRow(unit=u, level=0, officers=officers_per_unit.get(u.pk, 0),
                          by_role=role_counts.get(u.pk, {})) for u in units}
    # Roll the counts up the tree: deepest units first.
    by_path = {u.path: u for u in units}
    for unit in sorted(units, key=lambda u: -u.depth):
        row = rows[unit.pk]
        row.officers_subtree += row.officers
        for role_id, n in row.by_role.items():
            row.by_role_subtree[role_id] = row.by_role_subtree.get(role_id, 0) + n
        parent_path = unit.path[: unit.path.rstrip("/").rfind("/") + 1]
        parent = by_path.get(parent_path)
        if parent is not None:
            prow = rows[parent.pk]
            prow.officers_subtree += row.officers_subtree
            for role_id, n in row.by_role_subtree.items():
                prow.by_role_subtree[role_id] = prow.by_role_subtree.get(role_id, 0) + n

    # Roots: units whose parent is not itself in the visible set.
    trees = []
    for unit in units:
        parent_path = unit.path[: unit.path.rstrip("/").rfind("/") + 1]
        if parent_path in by_path:
            continue
        members = [u for u in units if u.path.startswith(unit.path)]
        tree_rows = []
        for member in members:
            row = rows[member.pk]
            row.level = member.depth - unit.depth
            tree_rows.append(row)
        trees.append(LedTree(root=unit, rows=tree_rows))
    return trees


def officers_of_unit_subtree(
    *, viewer, unit: Unit, sub_unit: Unit | None = None, role: DeskRole | None = None, query: str = ""
) -> QuerySet[Officer]:
    """Active officers of a unit's subtree that the viewer may see, optionally narrowed to a sub-unit, to the holders
    of a desk role today, and by a search on the name (without diacritics) or the employee code.

    Each officer carries `current_assignments` (with role and unit) so the list needs one extra query in total.
    """
    base = sub_unit if sub_unit is not None else unit
    qs = officers_visible_to(viewer=viewer).filter(unit__path__startswith=base.path, is_active=True)
    if role is not None:
        holders = RoleAssignment.objects.current().filter(role=role).values("officer_id")
        qs = qs.filter(pk__in=holders)
    folded = fold(query)
    if folded:
        qs = qs.filter(Q(search_name__contains=folded) | Q(employee_code__icontains=query.strip()))
    current = (
        RoleAssignment.objects.current()
        .select_related("role", "unit")
        .order_by("role__sort_order", "role__code")
    )
    return qs.prefetch_related(Prefetch("assignments", queryset=current, to_attr="current_assignments")).order_by(
        "sort_name", "employee_code"
    )


def sub_units_of(*, unit: Unit) -> QuerySet[Unit]:
    """A unit and every active unit below it, in tree order (filter options)."""
    return unit.subtree().filter(is_active=True).order_by("path")
