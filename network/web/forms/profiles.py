"""The school profile form."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    HiddenField,
    IntegerField,
    RadioField,
    SelectMultipleField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from network.web.forms import VERSION, NoNulls


class ProfileForm(FlaskForm):
    """What a school says about where it stands and what it is open to."""

    version = HiddenField(validators=[InputRequired(), VERSION])
    group_id = RadioField("Current priority group", widget=GovRadioInput(),
                          validators=[InputRequired("Choose the school's current priority group")])
    barriers = SelectMultipleField("Barriers the school faces now", widget=GovCheckboxesInput(),
                                   validate_choice=False)
    overcome = SelectMultipleField("Barriers the school has overcome",
                                   widget=GovCheckboxesInput(), validate_choice=False)
    barrier_notes = TextAreaField("In your own words (optional)", widget=GovTextArea(),
                                  validators=[Optional(), NoNulls(), Length(
                                      max=3000, message="This must be 3000 characters or fewer")])
    open_to_partnering = RadioField("Is the school open to partnering?", widget=GovRadioInput(),
                                    choices=[("yes", "Yes"), ("no", "No")],
                                    validators=[InputRequired("Say whether you are open to "
                                                              "partnering")])
    capacity = IntegerField("How many partnerships can the school take on this year?",
                            widget=GovTextInput(), validators=[
                                InputRequired("Enter a number from 0 to 10"),
                                NumberRange(0, 10, "Enter a number from 0 to 10")])
    visibility = RadioField("Who can see this profile?", widget=GovRadioInput(), choices=[
        ("cluster", "Only our cluster"),
        ("network", "The whole network: name, local authority, phase, priority group and the "
                    "strengths we choose to share (never our needs)")],
        validators=[InputRequired("Choose who can see the profile")])
    submit = SubmitField("Save profile", widget=GovSubmitInput())

    def set_choices(self, groups, barriers) -> None:
        """Offer the priority groups and the barrier taxonomy."""
        self.group_id.choices = [(str(g.id), g.name) for g in groups]
        # Each group's description as the hint under its radio, as on the case-study form.
        self.group_hints = [{"hint": {"text": g.description}} for g in groups]
        self.barriers.choices = [(b.slug, b.title) for b in barriers]
        self.overcome.choices = [(b.slug, b.title) for b in barriers]
        self._slugs = {b.slug for b in barriers}

    def validate_barriers(self, field):
        unknown = [v for v in field.data or [] if v not in self._slugs]
        if unknown:
            raise ValidationError("Choose barriers from the list")

    def validate_overcome(self, field):
        self.validate_barriers(field)
        both = set(field.data or []) & set(self.barriers.data or [])
        if both:
            raise ValidationError("A barrier cannot be both faced now and overcome")
