"""The page a parent opens from a one-time link: no sign-in, one questionnaire, nothing else.

The token in the URL is the only key. Only a hash of it is stored; it works
once, for a limited time, and an unknown, used or expired token gets the same
"this link no longer works" page (404), so nothing can be learned by guessing.
Nothing is saved until the whole form is sent.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from attune.accounts.middleware import mfa_exempt
from attune.measures import codes, services
from attune.measures.forms import ExperienceForm, ParentAnswersForm
from attune.measures.models import QuestionnaireLink
from attune.measures.scoring import InvalidAnswers


def _no_longer_works(request: HttpRequest) -> HttpResponse:
    return render(request, "measures/public/expired.jinja", status=404)


def _with_privacy_headers(response: HttpResponse) -> HttpResponse:
    # The URL is the key: never send it on to another site or keep the page in a cache.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@login_not_required
@mfa_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    link = services.usable_link(token)
    if link is None:
        return _with_privacy_headers(_no_longer_works(request))
    if link.kind == codes.LinkKind.EXPERIENCE:
        return _with_privacy_headers(_experience(request, link))
    return _with_privacy_headers(_questionnaire(request, link))


def _questionnaire(request: HttpRequest, link: QuestionnaireLink) -> HttpResponse:
    assert link.instrument is not None
    definition = link.instrument.parsed()
    data = request.POST if request.method == "POST" else None
    form = ParentAnswersForm(data, definition=definition)
    if form.is_valid():
        try:
            services.submit_link_answers(link=link, answers=form.answers())
        except InvalidAnswers as invalid:
            for name, message in invalid.errors.items():
                form.add_error(name if name in form.fields else None, message)
        except services.MeasureRefused:
            return _no_longer_works(request)
        else:
            return redirect("measures:answer_done")
    context = {"form": form, "definition": definition, "team": link.team}
    status = 400 if form.is_bound else 200
    return render(request, "measures/public/questionnaire.jinja", context, status=status)


def _experience(request: HttpRequest, link: QuestionnaireLink) -> HttpResponse:
    questions = services.experience_questions(link.team)
    data = request.POST if request.method == "POST" else None
    form = ExperienceForm(data, questions=questions)
    if form.is_valid():
        try:
            services.submit_experience(
                link=link,
                fft_rating=form.cleaned_data["fft_rating"],
                fft_reason=form.cleaned_data["fft_reason"],
                ratings=form.ratings(),
                share_with_practitioner=form.cleaned_data["share_with_practitioner"],
            )
        except services.MeasureRefused:
            return _no_longer_works(request)
        return redirect("measures:answer_done")
    context = {"form": form, "team": link.team}
    status = 400 if form.is_bound else 200
    return render(request, "measures/public/experience.jinja", context, status=status)


@login_not_required
@mfa_exempt
@require_GET
def answer_done(request: HttpRequest) -> HttpResponse:
    return _with_privacy_headers(render(request, "measures/public/done.jinja"))
