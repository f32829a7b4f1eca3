"""Family pages: the team's families, one family's people and ages, editing a person."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from attune.accounts.access import request_can, requires
from attune.accounts.roles import Capability
from attune.core.locking import StaleEdit, changed_fields
from attune.families import selectors, services
from attune.families.access import get_family_for, get_person_for
from attune.families.add_person import AddPersonForm
from attune.families.codes import MemberRole
from attune.families.person_form import PersonForm


@require_GET
@requires(Capability.USE_CLINICAL_RECORDS)
def family_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:100]
    families = list(selectors.team_families(request.team, search)[:200])  # type: ignore[attr-defined]
    return render(request, "families/list.jinja", {"families": families, "search": search})


@require_GET
def family_detail(request: HttpRequest, family_id: int) -> HttpResponse:
    family = selectors.family_page(get_family_for(request, family_id))
    rules = services.age_rules_for(family.team)
    today = timezone.localdate()
    members = list(family.members.all())
    babies = [
        selectors.baby_age(m.person, rules, today) for m in members if m.role == MemberRole.BABY
    ]
    context = {
        "family": family,
        "babies": babies,
        "carers": [m.person for m in members if m.role == MemberRole.CARER],
        "siblings": [m.person for m in members if m.role == MemberRole.SIBLING],
        "relationships": list(family.care_relationships.all()),
        "rules": rules,
        # Outcome scores are clinical data: the link is for clinicians only.
        "can_see_measures": request_can(request, Capability.READ_CLINICAL_NOTES),
    }
    return render(request, "families/detail.jinja", context)


@require_http_methods(["GET", "POST"])
def person_add(request: HttpRequest, family_id: int) -> HttpResponse:
    family = get_family_for(request, family_id, write=request.method == "POST")
    if request.method == "GET":
        return render(
            request, "families/person_add.jinja", {"form": AddPersonForm(), "family": family}
        )
    form = AddPersonForm(request.POST)
    if not form.is_valid():
        return render(
            request, "families/person_add.jinja", {"form": form, "family": family}, status=400
        )
    fields = form.person_fields()
    matches = selectors.possible_duplicates(
        family.team,
        given_name=fields["given_name"],
        family_name=fields["family_name"],
        date_of_birth=fields["date_of_birth"],
        due_date=fields["due_date"],
        nhs_number=fields["nhs_number"],
        postcode=fields["postcode"],
    )
    choice = request.POST.get("match", "")
    chosen = next((m.person for m in matches if str(m.person.pk) == choice), None)
    if matches and choice != "new" and chosen is None:
        context = {
            "form": form,
            "family": family,
            "matches": matches,
            "asked": "match" in request.POST,
        }
        return render(request, "families/person_add.jinja", context)
    services.add_to_family(
        actor=request.user,  # type: ignore[arg-type]
        family=family,
        existing=chosen,
        fields=fields,
        role=form.cleaned_data["role"],
        carer_kind=form.cleaned_data["carer_kind"],
        has_parental_responsibility=form.cleaned_data["has_parental_responsibility"],
        lives_with_baby=form.cleaned_data["lives_with_baby"],
    )
    return redirect("families:detail", family.pk)


@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for(request, person_id, write=request.method == "POST")
    family_id = request.GET.get("family") or request.POST.get("family") or ""
    if request.method == "GET":
        form = PersonForm(initial={**PersonForm.initial_for(person), "version": person.version})
        return render(
            request,
            "families/person_edit.jinja",
            {"form": form, "person": person, "family_id": family_id},
        )
    form = PersonForm(request.POST)
    conflict: list[str] = []
    if form.is_valid():
        fields = form.person_fields()
        try:
            services.update_person(
                actor=request.user,  # type: ignore[arg-type]
                person=person,
                expected_version=form.cleaned_data["version"],
                **fields,
            )
        except StaleEdit as stale:
            # Keep what this person typed; show what the other editor saved.
            conflict = changed_fields(stale.current, fields, list(fields))
            person = stale.current  # type: ignore[assignment]
            form = PersonForm(request.POST)
            form.is_valid()
            form.add_error(
                None, "Someone else saved changes to this record while you were editing."
            )
        else:
            return (
                redirect("families:detail", family_id)
                if family_id.isdigit()
                else redirect("families:list")
            )
    context = {
        "form": form,
        "person": person,
        "family_id": family_id,
        "conflict": conflict,
        "current": person,
    }
    return render(request, "families/person_edit.jinja", context, status=409 if conflict else 400)
