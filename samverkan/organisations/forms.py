from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverkan.organisations.models import Membership

DATE = forms.DateInput(attrs={"type": "date"})


class MembershipForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=None)
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    role = forms.ChoiceField(label=_("Roll"), choices=Membership.Role.choices)
    start = forms.DateField(label=_("Från"), widget=DATE, initial=timezone.localdate)
    end = forms.DateField(label=_("Till"), widget=DATE, required=False)

    def __init__(self, *args, people, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["organisation"].queryset = organisations


class EndMembershipForm(forms.Form):
    end = forms.DateField(label=_("Sista dag"), widget=DATE, initial=timezone.localdate)
