"""NHS code lists used on the person record, each with its source.

Ethnic category: NHS Data Dictionary ETHNIC CATEGORY (2001 census based), as in
the UK Core CodeSystem UKCore-EthnicCategoryEngland. A 2021-census list is in
development, so the list carries a version. Gender: NHS Data Dictionary PERSON
STATED GENDER CODE and GENDER IDENTITY CODE (MHSDS v6 GenderIDCode).
"""

from django.db import models

ETHNIC_CATEGORY_VERSION = "NHS Data Dictionary ETHNIC CATEGORY, 2001 census based"


class EthnicCategory(models.TextChoices):
    WHITE_BRITISH = "A", "White – British"
    WHITE_IRISH = "B", "White – Irish"
    WHITE_OTHER = "C", "White – any other White background"
    MIXED_WHITE_BLACK_CARIBBEAN = "D", "Mixed – White and Black Caribbean"
    MIXED_WHITE_BLACK_AFRICAN = "E", "Mixed – White and Black African"
    MIXED_WHITE_ASIAN = "F", "Mixed – White and Asian"
    MIXED_OTHER = "G", "Mixed – any other mixed background"
    ASIAN_INDIAN = "H", "Asian or Asian British – Indian"
    ASIAN_PAKISTANI = "J", "Asian or Asian British – Pakistani"
    ASIAN_BANGLADESHI = "K", "Asian or Asian British – Bangladeshi"
    ASIAN_OTHER = "L", "Asian or Asian British – any other Asian background"
    BLACK_CARIBBEAN = "M", "Black or Black British – Caribbean"
    BLACK_AFRICAN = "N", "Black or Black British – African"
    BLACK_OTHER = "P", "Black or Black British – any other Black background"
    CHINESE = "R", "Other ethnic group – Chinese"
    OTHER = "S", "Other ethnic group – any other ethnic group"
    NOT_STATED = "Z", "Not stated (the person chose not to say)"
    NOT_KNOWN = "99", "Not known"


class StatedGender(models.TextChoices):
    MALE = "1", "Male"
    FEMALE = "2", "Female"
    INDETERMINATE = "9", "Indeterminate (unable to be classified)"
    NOT_KNOWN = "X", "Not known"


class GenderIdentity(models.TextChoices):
    MALE = "1", "Male (including trans man)"
    FEMALE = "2", "Female (including trans woman)"
    NON_BINARY = "3", "Non-binary"
    OTHER = "4", "Other (not listed)"
    NOT_KNOWN = "X", "Not known"
    NOT_STATED = "Z", "Not stated"


class MemberRole(models.TextChoices):
    BABY = "baby", "Baby"
    SIBLING = "sibling", "Sibling"
    CARER = "carer", "Carer"


class CarerKind(models.TextChoices):
    BIRTH_MOTHER = "birth_mother", "Birth mother"
    BIRTH_FATHER = "birth_father", "Birth father"
    PARTNER = "partner", "Partner or step-parent"
    FOSTER_CARER = "foster_carer", "Foster carer"
    ADOPTIVE_PARENT = "adoptive_parent", "Adoptive parent"
    GRANDPARENT = "grandparent", "Grandparent"
    OTHER_KIN = "other_kin", "Other family member (kin carer)"
    OTHER = "other", "Other carer"


# Carer kinds counted as "father or partner" involvement in reports.
FATHER_OR_PARTNER_KINDS = frozenset({CarerKind.BIRTH_FATHER, CarerKind.PARTNER})
