"""Forms for clusters: registering, joining, invitations, decisions and roles."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, Optional, Regexp

from network.web.forms import NoNulls

REGIONS = ["East Midlands", "East of England", "London", "North East", "North West",
           "South East", "South West", "West Midlands", "Yorkshire and The Humber"]
ROLE_CHOICES = [("headteacher", "Headteacher"), ("senior_leader", "Senior leader"),
                ("leading_teacher", "Leading teacher"), ("member", "Member")]
URN = [InputRequired("Enter your school's URN"),
       Regexp(r"^\s*\d{6}\s*$", message="Enter a URN of exactly 6 digits, like 100000")]


class RegisterClusterForm(FlaskForm):
    """Register a new cluster and claim the first school for it."""

    name = StringField("Cluster name", widget=GovTextInput(), validators=[
        InputRequired("Enter a name for the cluster"), NoNulls(),
        Length(max=120, message="Cluster name must be 120 characters or fewer")])
    description = TextAreaField("What the cluster is for", widget=GovTextArea(), validators=[
        Optional(), NoNulls(),
        Length(max=2000, message="Description must be 2000 characters or fewer")])
    region = SelectField("Region", widget=GovSelect(),
                         choices=[("", "Choose a region")] + [(r, r) for r in REGIONS],
                         validators=[InputRequired("Choose the cluster's region")])
    urn = StringField("Your school's URN", widget=GovTextInput(), validators=URN,
                      description="The 6-digit unique reference number. "
                                  "If you do not know it, find your school below.")
    submit = SubmitField("Register cluster", widget=GovSubmitInput())

    def validate_region(self, field):
        if field.data not in REGIONS:
            from wtforms.validators import ValidationError

            raise ValidationError("Choose a region from the list")


class JoinRequestForm(FlaskForm):
    """Ask for a school to join an existing cluster."""

    urn = StringField("Your school's URN", widget=GovTextInput(), validators=URN)
    message = TextAreaField("Message to the coordinator (optional)", widget=GovTextArea(),
                            validators=[Optional(), NoNulls(), Length(
                                max=2000, message="Message must be 2000 characters or fewer")])
    submit = SubmitField("Send request", widget=GovSubmitInput())


class AcceptSchoolInvitationForm(FlaskForm):
    """Accept an invitation by naming the school that joins."""

    urn = StringField("Your school's URN", widget=GovTextInput(), validators=URN)
    submit = SubmitField("Join the cluster", widget=GovSubmitInput())


class AcceptMemberInvitationForm(FlaskForm):
    """Accept an invitation to join a school."""

    submit = SubmitField("Accept invitation", widget=GovSubmitInput())


class DecisionForm(FlaskForm):
    """A coordinator approves or declines a join request."""

    decision = RadioField("Your decision", widget=GovRadioInput(),
                          choices=[("approve", "Approve: the school joins the cluster"),
                                   ("decline", "Decline")],
                          validators=[InputRequired("Choose approve or decline")])
    reason = TextAreaField("Message to the requester (optional)", widget=GovTextArea(),
                           validators=[Optional(), NoNulls(), Length(
                               max=2000, message="Message must be 2000 characters or fewer")])
    submit = SubmitField("Save decision", widget=GovSubmitInput())


class InvitationForm(FlaskForm):
    """Create an invitation link."""

    school_id = SelectField("Who is it for?", widget=GovSelect(), coerce=str,
                            validators=[InputRequired("Choose who the invitation is for")])
    role = SelectField("Their role", widget=GovSelect(), choices=ROLE_CHOICES,
                       validators=[InputRequired("Choose a role")],
                       description="Ignored for a new school: its first person is its headteacher.")
    email = StringField("Their email address (optional)", widget=GovTextInput(),
                        filters=[lambda value: value.strip() if isinstance(value, str) else value],
                        description="We email them the link. Leave it empty to send the link "
                                    "yourself.",
                        validators=[Optional(), NoNulls(), Length(
                            max=254, message="Email address must be 254 characters or fewer"),
                            Email("Enter an email address in the correct format, like "
                                  "name@example.com")])
    note = StringField("Who you are sending it to (optional, for your records)",
                       widget=GovTextInput(), validators=[Optional(), NoNulls(), Length(
                           max=200, message="Note must be 200 characters or fewer")])
    submit = SubmitField("Create invitation link", widget=GovSubmitInput())


class MemberRoleForm(FlaskForm):
    """A coordinator changes a member's role."""

    school_role = SelectField("School role", widget=GovSelect(), choices=ROLE_CHOICES,
                              validators=[InputRequired("Choose a role")])
    coordinator = RadioField("Cluster coordinator", widget=GovRadioInput(),
                             choices=[("yes", "Yes"), ("no", "No")],
                             validators=[InputRequired("Say whether they coordinate the cluster")])
    submit = SubmitField("Save role", widget=GovSubmitInput())


class RemoveMemberForm(FlaskForm):
    """A coordinator removes someone from the cluster."""

    submit = SubmitField("Remove from cluster", widget=GovSubmitInput())
