from django.contrib.auth.forms import UserCreationForm
from django.core.validators import RegexValidator

from chr21_web.tokens import USER_NAME


class SignUpForm(UserCreationForm):
    """Django's sign-up form, with user names the jobs API takes as a token's subject."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.max_length = 64
        field.widget.attrs["maxlength"] = 64
        field.help_text = "Up to 64 letters, digits or . _ @ -, starting with a letter or a digit."
        field.validators.append(
            RegexValidator(
                f"^{USER_NAME.pattern}$",
                "Use up to 64 letters, digits or . _ @ -, starting with a letter or a digit.",
            )
        )
