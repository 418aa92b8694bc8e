"""Partnership.objects.partners_of: the organisations on the other side, whichever side recorded it."""

from organisations.models import Organisation, Partnership


def test_partners_of_both_sides_once_and_not_itself(people):
    kampala = Organisation.objects.create(slug="kampala", name="Kampala", kind=Organisation.Kind.PARTNER)
    Partnership.objects.create(organisation=people.org, partner=kampala, kind=Partnership.Kind.FUNDING)
    Partnership.objects.create(organisation=kampala, partner=people.org, kind=Partnership.Kind.PEER)
    Partnership.objects.create(organisation=people.other_org, partner=people.org, kind=Partnership.Kind.FUNDING)
    # By name: "Ander Fonds" before "Kampala"; Kampala once, though both sides recorded a partnership.
    assert list(Partnership.objects.partners_of(people.org)) == [people.other_org, kampala]
    assert list(Partnership.objects.partners_of(kampala)) == [people.org]
    # Their keys, for paging: the same organisations, in key order.
    for organisation in (people.org, kampala):
        expected = sorted(o.pk for o in Partnership.objects.partners_of(organisation))
        assert list(Partnership.objects.partner_keys_of(organisation)) == expected


def test_current_partner_keys_leave_out_proposed_and_ended_partnerships(people):
    made = {}
    for status in Partnership.Status:
        partner = Organisation.objects.create(slug=f"p-{status}", name=f"P {status}", kind=Organisation.Kind.PARTNER)
        Partnership.objects.create(
            organisation=partner, partner=people.org, kind=Partnership.Kind.FUNDING, status=status
        )
        made[status] = partner.pk
    assert set(Partnership.objects.current_partner_keys_of(people.org)) == {made[Partnership.Status.ACTIVE]}
    # A subquery for filters: in no order, so a database may use it inside IN (…) as it likes.
    assert not Partnership.objects.current_partner_keys_of(people.org).query.order_by
