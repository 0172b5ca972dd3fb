"""What a user may type: bounded here, before anything reaches the API."""

from django import forms

# The API takes free text of at most 200 characters, a region of at most 100.
MAX_SEARCH = 200
MAX_REGION = 100


# The columns the API sorts by (its `sort`), as the table's headers name them.
SORTABLE = {"name": "Name", "type": "Type", "start": "Position (1-based)", "length": "Length (bp)"}


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Gene id, name or words of its description", required=False, max_length=MAX_SEARCH
    )
    gene_type = forms.CharField(label="Gene type", required=False, max_length=64)
    strand = forms.ChoiceField(
        label="Strand", required=False, choices=[("", "either"), ("1", "forward (+)"), ("-1", "reverse (-)")]
    )
    sort = forms.ChoiceField(
        required=False,
        widget=forms.HiddenInput,
        choices=[("", "")] + [(order, order) for column in SORTABLE for order in (column, f"-{column}")],
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000, widget=forms.HiddenInput)


class RegionForm(forms.Form):
    r = forms.CharField(label="Region (e.g. 21:25,880,535-26,171,128)", max_length=MAX_REGION)
