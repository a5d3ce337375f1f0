package io.bastion.evoting;

/** What a signed-in account may do: an admin runs elections, a voter votes where eligible. */
enum Role {
    ADMIN, VOTER;

    /** The name in the database and in JSON. */
    String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    static Role parse(String label) {
        for (Role role : values()) {
            if (role.label().equals(label)) {
                return role;
            }
        }
        throw new Refusal("role must be \"admin\" or \"voter\", not \"" + label + "\"");
    }
}
