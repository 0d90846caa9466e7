import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { LoginOutcome, OfficerRole } from '../../entities';
import { connectionType, Node } from '../relay';

@ObjectType('Officer', {
  simpleResolvers: true,
  implements: Node,
  description: 'A person who works cases (网格员, 驻村民警, township or county officer, supervisor, admin).',
})
export class OfficerType extends Node {
  @Field({ description: 'Full name.' })
  name!: string;

  @Field({ description: 'Mobile phone; shown in full to the officer themself and to admins, masked (138****0000) to others.' })
  phone!: string;

  @Field(() => OfficerRole, { description: 'Role, which decides what they may do.' })
  role!: OfficerRole;

  @Field({ description: 'False once an admin deactivated them (deactivateOfficer): they cannot log in, and their tokens are refused.' })
  active!: boolean;
}

@ObjectType('Resident', { simpleResolvers: true, description: 'A member of the public who reported a case (群众), known by their chat identity.' })
export class ResidentType {
  @Field({ description: 'Display name on the chat channel.' })
  displayName!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Phone, if given; masked (138****0000) except for the handling unit and the units above it.',
  })
  phone?: string | null;
}

@InputType({ description: 'Credentials for login.' })
export class LoginInput {
  @Field({ description: 'Mobile phone the officer was registered with.' })
  phone!: string;

  @Field({ description: 'Password.' })
  password!: string;
}

@ObjectType({ simpleResolvers: true, description: 'Result of login.' })
export class LoginPayload {
  @Field({ description: 'Bearer token: send it as `Authorization: Bearer <token>`.' })
  token!: string;

  @Field({ description: 'When the token stops working.' })
  expiresAt!: Date;

  @Field(() => OfficerType, { description: 'The officer who logged in.' })
  officer!: OfficerType;
}

@ObjectType({ simpleResolvers: true, description: 'A one-time code binding a chat contact to the officer who asked for it.' })
export class ChatBindingCode {
  @Field({ description: 'Send “绑定 <code>” to the bot.' })
  code!: string;

  @Field({ description: 'The code stops working then (10 minutes).' })
  expiresAt!: Date;
}

@InputType({ description: 'An officer, by global id.' })
export class OfficerIdInput {
  @Field(() => ID, { description: 'Global id of the officer.' })
  officerId!: string;
}

@InputType({ description: 'Whose login to unlock.' })
export class UnlockLoginInput {
  @Field({ description: "The officer's mobile phone (their login)." })
  phone!: string;
}

registerEnumType(LoginOutcome, {
  name: 'LoginOutcome',
  description: 'How a login attempt ended.',
  valuesConfig: {
    SUCCESS: { description: 'Logged in.' },
    WRONG_PASSWORD: { description: 'A registered phone with a wrong password.' },
    UNKNOWN_PHONE: { description: 'No officer has this phone.' },
    INACTIVE: { description: 'The right password for a deactivated officer.' },
    THROTTLED: { description: 'Refused without checking the password: too many recent failures for the phone or from the address.' },
    LOCKED: { description: 'Refused without checking the password: the login is locked until an admin unlocks it.' },
  },
});

@ObjectType('LoginAttempt', { simpleResolvers: true, description: 'One login attempt on the audit log.' })
export class LoginAttemptType {
  @Field({ description: 'When it happened.' })
  at!: Date;

  @Field({ description: 'The phone as typed (at most 32 characters).' })
  phone!: string;

  @Field(() => OfficerType, { nullable: true, description: 'The officer with that phone; null when it matches nobody.' })
  officer!: OfficerType | null;

  @Field({ description: "The client's network address." })
  clientAddress!: string;

  @Field(() => LoginOutcome, { description: 'How it ended.' })
  outcome!: LoginOutcome;
}

export const LoginAttemptConnection = connectionType('LoginAttempt', LoginAttemptType, 'login attempt');
