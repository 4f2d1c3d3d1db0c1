"""Which agreement has a public page: the public app's one chokepoint.

No login: an agreement is shown only when its admin turned the page on
(``Agreement.public_page``); any other slug, an agreement with the page off included, is 404,
indistinguishable from one that does not exist.
"""

from django.http import Http404

from samverkan.plans.models import Agreement


def require_public_agreement(slug: str) -> Agreement:
    agreement = Agreement.objects.filter(slug=slug, public_page=True).first()
    if agreement is None:
        raise Http404
    return agreement
